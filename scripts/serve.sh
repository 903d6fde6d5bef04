#!/usr/bin/env bash
# serve.sh DB PORT: serve Odoo on http://localhost:PORT (foreground; Ctrl-C stops it).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
db=$1; port=$2
if "$VENV/bin/python" -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); sys.exit(s.connect_ex(('127.0.0.1', $port)) != 0)"; then
  die "port $port is already in use. Pick another one: make run PORT=8070"
fi
say "[run] starting the Odoo server; it answers on http://localhost:$port in a few seconds"
say "      login: admin / password: admin, database: $db  (Ctrl-C stops it)"
exec "$VENV/bin/odoo" -c odoo.conf -d "$db" --db-filter="^$db\$" --http-port="$port" --pidfile="$ROOT/.data/odoo.pid"
