#!/usr/bin/env bash
# The npm package as a user gets it: `npm pack`, then `npx` from the tarball against a database.
#   scripts/check-package.sh DATABASE_URL
# Checks that the tarball holds the bundled server (dist/src/main.js, its chunks and their source maps)
# and neither TypeScript sources nor tsc's unbundled modules, that installing it runs no build, and that
# the installed bin prints its version, migrates the (empty) database and passes `doctor`.
set -euo pipefail
cd "$(dirname "$0")/.."

database_url="${1:?usage: scripts/check-package.sh DATABASE_URL (an empty database)}"
work="$(mktemp -d /tmp/supportdesk-pack.XXXXXX)"
trap 'rm -rf "$work"' EXIT
log() { printf '[check-package] %s\n' "$*" >&2; }

npm pack --silent --pack-destination "$work" >/dev/null
tarball="$(ls "$work"/supportdesk-mcp-*.tgz)"
log "$(basename "$tarball"): $(du -k "$tarball" | cut -f1) KiB, $(tar tzf "$tarball" | wc -l) files"

listing="$(tar tzf "$tarball")"
grep -qx 'package/dist/src/main.js' <<<"$listing" || { log 'dist/src/main.js missing'; exit 1; }
grep -q '^package/dist/src/chunks/.*\.js$' <<<"$listing" || { log 'the bundle chunks (dist/src/chunks) missing'; exit 1; }
grep -qx 'package/dist/src/main.js.map' <<<"$listing" || { log 'the bundle source maps missing'; exit 1; }
if grep -E '^package/dist/' <<<"$listing" | grep -vE '^package/dist/src/(main\.js|main\.js\.map|chunks/[^/]+\.js(\.map)?)$'; then
  log 'files beside the bundle in dist/ (tsc modules?)'; exit 1
fi
grep -qx 'package/migrations/0001_initial.sql' <<<"$listing" || { log 'migrations missing'; exit 1; }
grep -qx 'package/LICENSE' <<<"$listing" || { log 'LICENSE missing'; exit 1; }
if grep -E '\.ts$' <<<"$listing"; then log 'TypeScript sources in the tarball'; exit 1; fi
install_scripts="$(tar xzf "$tarball" -O package/package.json | node -e '
  const s = JSON.parse(require("fs").readFileSync(0, "utf8")).scripts ?? {};
  process.stdout.write(["preinstall", "install", "postinstall", "prepare"].filter((k) => k in s).join(" "));')"
[[ -z "$install_scripts" ]] || { log "the package runs scripts at install: $install_scripts"; exit 1; }

mkdir "$work/run"
cd "$work/run"
export DATABASE_URL="$database_url"
version="$(npx --yes --package "$tarball" -- supportdesk-mcp --version)"
[[ "$version" == "supportdesk-mcp $(tar xzf "$tarball" -O package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).version')" ]] ||
  { log "--version printed \"$version\""; exit 1; }
log "npx supportdesk-mcp --version: $version"
npx --yes --package "$tarball" -- supportdesk-mcp migrate
npx --yes --package "$tarball" -- supportdesk-mcp doctor
log 'ok: installed from the tarball and ran with npx'
