#!/usr/bin/env bash
# A desktop bundle as Claude Desktop gets it: validate its manifest, unpack it, and from the unpacked
# copy run `doctor`, `migrate` (the first start of its own embedded PostgreSQL, in a fresh data
# directory) and `doctor` again; when DATABASE_URL is set, `migrate` and `doctor` against that too.
#   scripts/check-bundle.sh build/bundles/supportdesk-mcp-VERSION-linux-x64.mcpb
set -euo pipefail
cd "$(dirname "$0")/.."

bundle="$(realpath "${1:?usage: scripts/check-bundle.sh BUNDLE.mcpb}")"
mcpb=(node node_modules/@anthropic-ai/mcpb/dist/cli/cli.js)
work="$(mktemp -d /tmp/supportdesk-bundle.XXXXXX)"
# The embedded server runs as the postgres user when we are root: it must reach the copy.
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
log() { printf '[check-bundle] %s\n' "$*" >&2; }

log "$(basename "$bundle"): $(du -m "$bundle" | cut -f1) MiB"
"${mcpb[@]}" unpack "$bundle" "$work/app" >/dev/null
"${mcpb[@]}" validate "$work/app/manifest.json"

# Without DATABASE_URL: the bundle's own PostgreSQL binaries, as Claude Desktop starts them.
embedded() { (cd "$work" && env -u DATABASE_URL SUPPORTDESK_DATA_DIR="$work/data" SUPPORTDESK_LOG_LEVEL=warn timeout 300 node app/dist/src/main.js "$@"); }
log 'doctor on the embedded database, before its first start'
embedded doctor
log 'migrate: the first start (initdb with the bundled binaries, migrations)'
embedded migrate
log 'doctor on the embedded database'
report="$(embedded doctor 2>&1)"
printf '%s\n' "$report"
grep -q '^database: embedded (.*PostgreSQL 17' <<<"$report" || { log 'doctor did not reach the embedded PostgreSQL 17'; exit 1; }
if [[ -n "${DATABASE_URL:-}" ]]; then
  log 'migrate and doctor on DATABASE_URL'
  (cd "$work" && SUPPORTDESK_LOG_LEVEL=warn timeout 120 node app/dist/src/main.js migrate)
  (cd "$work" && SUPPORTDESK_LOG_LEVEL=warn timeout 60 node app/dist/src/main.js doctor)
fi
log 'ok'
