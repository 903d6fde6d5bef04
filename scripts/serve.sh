#!/usr/bin/env bash
# serve.sh DB PORT: serve Odoo on http://localhost:PORT (foreground; Ctrl-C stops it).
# WORKERS=N (N > 0): the multi-process profile of a production node: N HTTP workers,
# a cron worker, the longpolling (gevent) process on PORT+3, and queue_job's runner.
# WORKERS=0 (default): one threaded process; queue_job's runner runs in it too.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
db=$1; port=$2
if "$VENV/bin/python" -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); sys.exit(s.connect_ex(('127.0.0.1', $port)) != 0)"; then
  die "port $port is already in use. Pick another one: make run PORT=8070"
fi
workers=${WORKERS:-0}
extra=()
if [ "$workers" -gt 0 ]; then
  longpolling=$((port + 3))
  extra=(--workers="$workers" --max-cron-threads=1 --longpolling-port="$longpolling"
         --limit-time-real=1200 --limit-time-cpu=600)
  say "multi-process profile: $workers workers, longpolling on $longpolling, job runner (channels in odoo.conf)"
fi
say "[run] starting the Odoo server; it answers on http://localhost:$port in a few seconds"
say "      login: admin / password: admin, database: $db  (Ctrl-C stops it)"
exec "$VENV/bin/odoo" -c odoo.conf -d "$db" --db-filter="^$db\$" --http-port="$port" --pidfile="$ROOT/.data/odoo.pid" "${extra[@]}"
