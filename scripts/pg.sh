#!/usr/bin/env bash
# pg.sh start|stop|status: make sure a PostgreSQL server answers.
# A server named by PGHOST/PGPORT (or db_host in odoo.conf) is used when it answers;
# otherwise a project-local cluster: data in .pgdata/, socket in .pgsock/, no TCP,
# run as the 'postgres' system user when we are root (PostgreSQL refuses to run as root).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
ready() { "$PG_BIN/pg_isready" -q -h "$PGHOST" ${PGPORT:+-p "$PGPORT"} >/dev/null 2>&1; }

case "${1:-start}" in
start)
  if [ -z "${PG_USE_LOCAL:-}" ]; then
    ready || die "PostgreSQL at '$PGHOST' (from PGHOST or odoo.conf db_host) does not answer. Start it, or unset PGHOST and clear db_host to use a project-local cluster."
    say "PostgreSQL: using the server at $PGHOST${PGPORT:+:$PGPORT}"
    exit 0
  fi
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Install them: apt-get install -y postgresql"
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
  fi
  mkdir -p "$PG_LOCAL_SOCK"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_LOCAL_SOCK"
  if [ ! -f "$PG_LOCAL_DATA/PG_VERSION" ]; then
    say "initialising a project-local PostgreSQL cluster in .pgdata/"
    rm -rf "$PG_LOCAL_DATA"; mkdir -p "$PG_LOCAL_DATA"
    [ "$(id -u)" = 0 ] && chown postgres "$PG_LOCAL_DATA"
    su_user=$(id -un); [ "$(id -u)" = 0 ] && su_user=root
    if ! as_owner "$PG_BIN/initdb" -D "$PG_LOCAL_DATA" -U "$su_user" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null; then
      rm -rf "$PG_LOCAL_DATA"; die "initdb failed (see above); .pgdata removed"
    fi
    cat >> "$PG_LOCAL_DATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$PG_LOCAL_SOCK'
max_connections = 200
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  if ready; then say "PostgreSQL: project-local cluster already running (socket $PG_LOCAL_SOCK)"; exit 0; fi
  as_owner "$PG_BIN/pg_ctl" -D "$PG_LOCAL_DATA" -l "$PG_LOCAL_DATA/server.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$PG_LOCAL_DATA/server.log" >&2; die "the project-local PostgreSQL did not start (log above)"; }
  say "PostgreSQL: project-local cluster started (socket $PG_LOCAL_SOCK)"
  ;;
stop)
  [ -n "${PG_USE_LOCAL:-}" ] && [ -f "$PG_LOCAL_DATA/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" -D "$PG_LOCAL_DATA" -m fast stop || true
  ;;
status)
  ready && echo "PostgreSQL answers at $PGHOST" || echo "PostgreSQL does not answer at $PGHOST"
  ;;
esac
