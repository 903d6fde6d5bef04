#!/usr/bin/env bash
# db.sh NAME [--without-demo]: make sure database NAME exists with both add-ons installed
# (demo data unless --without-demo), and upgrade them when their files changed since.
# A database whose install failed is dropped, so the next run starts clean.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
name=$1; demo=${2:-}
want=$(bash scripts/addons_hash.sh)
exists() { [ "$(psql -XtAc "SELECT 1 FROM pg_database WHERE datname='$1'")" = 1 ]; }
stamp() { psql -XtA -d "$1" -c "SELECT value FROM ir_config_parameter WHERE key='overseas_returns.addons_hash'" 2>/dev/null || true; }
odoo_args=(-c odoo.conf -d "$name" --stop-after-init --no-http --log-level=info)
[ "$demo" = --without-demo ] && odoo_args+=(--without-demo=all)
# run_odoo ARGS...: Odoo with a heartbeat: every 15 s one line with the elapsed time and
# the module being loaded, so a long install never looks like a hang; warnings and
# errors of the log are shown at the end (the full log stays in .data/logs/)
run_odoo() {
  mkdir -p .data/logs
  local log=".data/logs/install-$name.log" start=$SECONDS next=15 pid last
  "$VENV/bin/odoo" "${odoo_args[@]}" "$@" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ $(( SECONDS - start )) -ge "$next" ]; then
      next=$(( SECONDS - start + 15 ))
      last=$(grep -o -E "(loading [a-z0-9_]+/[^ ]+|module [a-z0-9_]+: loading translation file \([a-zA-Z_]+\))" "$log" | tail -n 1 || true)
      say "  ... still working ($(( SECONDS - start )) s)${last:+: $last}"
    fi
  done
  wait "$pid" || true
  grep -E " (WARNING|ERROR|CRITICAL) " "$log" | grep -v -e YAMLLoadWarning -e 'yaml.load' -e 'test_exceptions' | tail -n 40 || true
  say "  done in $(( SECONDS - start )) s (log: $log)"
}
if ! exists "$name"; then
  say "creating database $name and installing $MODULES${demo:+ (no demo data)}"
  createdb "$name"
  say "database $name created; installing the modules (several minutes on a fresh database)"
  run_odoo -i "$MODULES"
  if [ "$(psql -XtA -d "$name" -c "SELECT count(*) FROM ir_module_module WHERE name IN ('overseas_returns','overseas_returns_reports') AND state='installed'")" != 2 ]; then
    tail -n 60 ".data/logs/install-$name.log" >&2
    dropdb "$name"; die "installing the add-ons into $name failed (log above, full log in .data/logs/install-$name.log); the database was dropped"
  fi
elif [ "$(stamp "$name")" != "$want" ]; then
  ours=$(echo "$MODULES" | tr ',' '\n' | grep '^overseas_' | paste -sd, -)
  say "upgrading $ours in $name (add-on files changed)"
  run_odoo -u "$ours"
fi
psql -XqA -d "$name" -c "INSERT INTO ir_config_parameter (key, value, create_date, write_date) VALUES ('overseas_returns.addons_hash', '$want', now(), now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
say "database $name is ready"
