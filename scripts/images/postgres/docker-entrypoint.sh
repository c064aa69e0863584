#!/usr/bin/env bash
# First start: initdb a UTF-8 cluster in PGDATA as POSTGRES_USER, create POSTGRES_DB and run
# /docker-entrypoint-initdb.d/*.sql and *.sh on a server that listens on its Unix socket only, then
# start the real server. Later starts keep the existing cluster.
set -Eeuo pipefail

if [[ "${1:0:1}" == '-' ]]; then
  set -- postgres "$@"
fi

if [[ "$1" == postgres && "$(id -u)" == 0 ]]; then
  install -d -o postgres -g postgres -m 700 "$PGDATA"
  install -d -o postgres -g postgres -m 3777 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

init_cluster() {
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  local auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [[ -z "${POSTGRES_PASSWORD:-}" && "$auth" != trust ]]; then
    echo 'error: the database is uninitialized and POSTGRES_PASSWORD is not set' >&2
    echo '       (set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust to allow every connection)' >&2
    exit 1
  fi
  local initdb=(initdb --username="$POSTGRES_USER" --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA")
  # shellcheck disable=SC2206 # POSTGRES_INITDB_ARGS is a list of flags, as in the official image
  initdb+=(${POSTGRES_INITDB_ARGS:-})
  if [[ -n "${POSTGRES_PASSWORD:-}" ]]; then
    "${initdb[@]}" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD")
  else
    "${initdb[@]}"
  fi
  printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  local psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres)
  if [[ "$POSTGRES_DB" != postgres ]]; then
    "${psql[@]}" -v db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "running $f"; bash "$f" ;;
      *.sql) echo "running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *) if [[ -e "$f" ]]; then echo "ignoring $f"; fi ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
}

if [[ "$1" == postgres && ! -s "$PGDATA/PG_VERSION" ]]; then
  init_cluster
fi
exec "$@"
