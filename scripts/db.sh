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
odoo_args=(-c odoo.conf -d "$name" --stop-after-init --no-http --log-level=warn)
[ "$demo" = --without-demo ] && odoo_args+=(--without-demo=all)
if ! exists "$name"; then
  say "creating database $name and installing $MODULES${demo:+ (no demo data)}"
  createdb "$name"
  if ! "$VENV/bin/odoo" "${odoo_args[@]}" -i "$MODULES" 2>&1 | grep -v -e YAMLLoadWarning -e 'yaml.load' -e 'test_exceptions'; then :; fi
  if [ "$(psql -XtA -d "$name" -c "SELECT count(*) FROM ir_module_module WHERE name IN ('overseas_returns','overseas_returns_reports') AND state='installed'")" != 2 ]; then
    dropdb "$name"; die "installing the add-ons into $name failed (log above); the database was dropped"
  fi
elif [ "$(stamp "$name")" != "$want" ]; then
  ours=$(echo "$MODULES" | tr ',' '\n' | grep '^overseas_' | paste -sd, -)
  say "upgrading $ours in $name (add-on files changed)"
  "$VENV/bin/odoo" "${odoo_args[@]}" -u "$ours" 2>&1 | grep -v -e YAMLLoadWarning -e 'yaml.load' -e 'test_exceptions' || true
fi
psql -XqA -d "$name" -c "INSERT INTO ir_config_parameter (key, value, create_date, write_date) VALUES ('overseas_returns.addons_hash', '$want', now(), now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
say "database $name is ready"
