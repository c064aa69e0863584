#!/usr/bin/env bash
# The docker-compose stack for real, on the Docker engine at DOCKER_HOST: build the server image, bring
# the stack up, wait for the server's /readyz health check, call tools over HTTP with the SDK client and
# the demo tokens (dist/scripts/stack-smoke.js), and always finish with `down -v`.
#   scripts/check-stack.sh            (after npm run build)
# With SUPPORTDESK_LOCAL_IMAGES=1 the PostgreSQL and Node.js base images are built from Debian packages
# by scripts/local-images.sh (no image registry needed) and the compose file's image names are
# overridden through SUPPORTDESK_POSTGRES_IMAGE and SUPPORTDESK_NODE_IMAGE. Bounded by STACK_TIMEOUT_S.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[check-stack] %s\n' "$*" >&2; }
deadline=$((SECONDS + ${STACK_TIMEOUT_S:-900}))
remaining() { echo $((deadline - SECONDS > 0 ? deadline - SECONDS : 1)); }

if [[ "${SUPPORTDESK_LOCAL_IMAGES:-0}" == 1 ]]; then
  SUPPORTDESK_POSTGRES_IMAGE="$(timeout "$(remaining)" scripts/local-images.sh postgres | tail -n 1)"
  SUPPORTDESK_NODE_IMAGE="$(timeout "$(remaining)" scripts/local-images.sh node | tail -n 1)"
  export SUPPORTDESK_POSTGRES_IMAGE SUPPORTDESK_NODE_IMAGE
fi
export SUPPORTDESK_IMAGE="${SUPPORTDESK_IMAGE:-supportdesk-mcp:check}"
export COMPOSE_PROJECT_NAME="supportdesk-check-$$"
SUPPORTDESK_HTTP_PORT="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"
export SUPPORTDESK_HTTP_PORT
compose() { timeout "$(remaining)" docker-compose "$@"; }

compose config -q
log "building $SUPPORTDESK_IMAGE on ${SUPPORTDESK_NODE_IMAGE:-the default Node image}"
# Certificates this machine trusts beyond the usual ones (a TLS-intercepting proxy) reach npm in the build.
extra_ca="$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true)"
DOCKER_BUILDKIT=0 timeout "$(remaining)" docker build --quiet --network host \
  ${SUPPORTDESK_NODE_IMAGE:+--build-arg "NODE_IMAGE=$SUPPORTDESK_NODE_IMAGE"} --build-arg "BUILD_CA_CERTS=$extra_ca" \
  --tag "$SUPPORTDESK_IMAGE" . >/dev/null
log "image $SUPPORTDESK_IMAGE: $(($(docker image inspect --format '{{.Size}}' "$SUPPORTDESK_IMAGE") / 1000000)) MB"

finish() {
  local status=$?
  if ((status != 0)); then compose logs --no-color --tail 40 >&2 || true; fi
  compose down -v --remove-orphans >/dev/null 2>&1 || docker-compose down -v --remove-orphans >/dev/null 2>&1 || true
  log "stack removed (down -v)"
  exit "$status"
}
trap finish EXIT

compose up -d --no-build
server="$(compose ps -q server)"
until [[ "$(docker inspect --format '{{.State.Health.Status}}' "$server")" == healthy ]]; do
  if [[ "$(docker inspect --format '{{.State.Status}}' "$server")" != running ]] || ((SECONDS >= deadline)); then
    log "the server did not become healthy"
    exit 1
  fi
  sleep 1
done
log "server healthy on 127.0.0.1:$SUPPORTDESK_HTTP_PORT"
timeout "$(remaining)" node dist/scripts/stack-smoke.js "http://127.0.0.1:$SUPPORTDESK_HTTP_PORT"
