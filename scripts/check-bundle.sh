#!/usr/bin/env bash
# A desktop bundle as Claude Desktop gets it: validate its manifest, unpack it, run `doctor` from the
# unpacked copy on its own embedded PostgreSQL (a fresh data directory), and, when DATABASE_URL is
# set, against that database too.
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

log 'doctor on the embedded database (first start: initdb, migrations, demo data)'
(cd "$work" && env -u DATABASE_URL SUPPORTDESK_DATA_DIR="$work/data" SUPPORTDESK_LOG_LEVEL=warn timeout 300 node app/dist/src/main.js doctor)
if [[ -n "${DATABASE_URL:-}" ]]; then
  log 'doctor on DATABASE_URL'
  (cd "$work" && SUPPORTDESK_LOG_LEVEL=warn timeout 60 node app/dist/src/main.js doctor)
fi
log 'ok'
