#!/usr/bin/env bash
# A private Docker engine for one CI run (or a local session) on a machine without a running one.
#   eval "$(scripts/docker-engine.sh start)"   start dockerd, print the exports that reach it
#   scripts/docker-engine.sh stop              remove its containers, stop it, remove its bridge
#   scripts/docker-engine.sh status            exit 0 when it is running
# Runs as root. Its socket and state live under /run/supportdesk-docker; images persist in
# SUPPORTDESK_DOCKER_DATA (default /var/lib/supportdesk-docker) so a later run reuses them.
# Published ports bind to 127.0.0.1 only, and the engine adds no iptables rules and no IP
# forwarding or NAT: containers are reached over the loopback or the engine's own bridge, and
# image builds that need the network use the host's (--network host).
set -euo pipefail

RUN_DIR=/run/supportdesk-docker
DATA_DIR="${SUPPORTDESK_DOCKER_DATA:-/var/lib/supportdesk-docker}"
SOCKET="$RUN_DIR/docker.sock"
PIDFILE="$RUN_DIR/dockerd.pid"
LOGFILE="$RUN_DIR/dockerd.log"
BRIDGE=docker0
START_TIMEOUT_S=60

log() { printf '[docker-engine] %s\n' "$*" >&2; }
engine() { DOCKER_HOST="unix://$SOCKET" docker "$@"; }
running_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  command -v dockerd >/dev/null || { log 'dockerd is not installed (apt-get install docker.io)'; return 1; }
  [[ "$(id -u)" == 0 ]] || { log 'dockerd needs root'; return 1; }
  if ! running_pid >/dev/null; then
    mkdir -p "$RUN_DIR" "$DATA_DIR"
    # Remember whether the bridge was ours to remove on stop.
    if ip link show "$BRIDGE" >/dev/null 2>&1; then rm -f "$RUN_DIR/bridge-created"; else touch "$RUN_DIR/bridge-created"; fi
    setsid dockerd --host "unix://$SOCKET" --pidfile "$PIDFILE" --data-root "$DATA_DIR" --exec-root "$RUN_DIR/exec" \
      --ip 127.0.0.1 --iptables=false --ip-forward=false --ip-masq=false --ipv6=false \
      </dev/null >"$LOGFILE" 2>&1 &
    local waited=0
    until engine version >/dev/null 2>&1; do
      if ! kill -0 $! 2>/dev/null; then log "dockerd exited: $(tail -n 3 "$LOGFILE" | tr '\n' ' ')"; return 1; fi
      if ((waited >= START_TIMEOUT_S * 2)); then log "dockerd did not answer in ${START_TIMEOUT_S}s (log: $LOGFILE)"; stop; return 1; fi
      sleep 0.5
      waited=$((waited + 1))
    done
    log "dockerd $(engine version --format '{{.Server.Version}}') started (pid $(running_pid), log $LOGFILE)"
  fi
  echo "export DOCKER_HOST=unix://$SOCKET"
  # Where published ports are. testcontainers would otherwise take the bridge's gateway when it
  # finds /.dockerenv (as in a sandbox that is itself a container), and find nothing listening there.
  echo 'export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1'
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    local containers
    containers="$(engine ps -aq 2>/dev/null || true)"
    # shellcheck disable=SC2086 # one id per word
    if [[ -n "$containers" ]]; then engine rm -f -v $containers >/dev/null || true; fi
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
      if ((waited == 60)); then log "dockerd $pid ignored SIGTERM for 30s: killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
      sleep 0.5
      waited=$((waited + 1))
    done
    log "dockerd $pid stopped"
  fi
  if [[ -e "$RUN_DIR/bridge-created" ]] && ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link delete "$BRIDGE"
  fi
  rm -f "$RUN_DIR/bridge-created"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running_pid >/dev/null ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
