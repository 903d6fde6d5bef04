#!/usr/bin/env bash
# make test: every test in one pytest run.
#  - each add-on's tests (addons/*/tests, Odoo's test classes through pytest-odoo) run
#    in-process against a fresh copy of an installed template database without demo data;
#  - tests/ (XML-RPC, browser, ...) start a real Odoo server against a fresh copy of an
#    installed template database with demo data.
# Templates are built once per state of the add-ons (hash of their files) and copied
# with createdb -T, so a second run with nothing changed skips the installs.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
hash=$(bash scripts/addons_hash.sh)
# ORT_DB_PREFIX keeps the databases of several checkouts sharing one server apart
prefix=${ORT_DB_PREFIX:-ort}
exists() { [ "$(psql -XtAc "SELECT 1 FROM pg_database WHERE datname='$1'")" = 1 ]; }
template() {  # template NAME [--without-demo]
  exists "$1" || bash scripts/db.sh "$@"
}
fresh_copy() {  # fresh_copy TEMPLATE COPY: database and filestore
  dropdb --if-exists "$2" 2>/dev/null
  createdb -T "$1" "$2"
  rm -rf ".data/filestore/$2"
  if [ -d ".data/filestore/$1" ]; then mkdir -p .data/filestore; cp -a ".data/filestore/$1" ".data/filestore/$2"; fi
}
# templates of older states of the add-ons are dropped
for old in $(psql -XtAc "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}_tmpl_%' AND datname NOT LIKE '%_$hash'"); do
  dropdb "$old"; rm -rf ".data/filestore/$old"
done
t0=$(date +%s)
template "${prefix}_tmpl_unit_$hash" --without-demo
template "${prefix}_tmpl_demo_$hash"
fresh_copy "${prefix}_tmpl_unit_$hash" "${prefix}_test_unit"
fresh_copy "${prefix}_tmpl_demo_$hash" "${prefix}_test_e2e"
say "databases ready in $(( $(date +%s) - t0 )) s; running pytest"
export ORT_E2E_DB="${prefix}_test_e2e"
# no argument: the whole suite; else what is named (paths, pytest options)
[ $# -gt 0 ] || set -- addons/*/tests tests
# addons_path entries are relative to the project root in odoo.conf
exec "$VENV/bin/pytest" -p no:cacheprovider --odoo-config=odoo.conf --odoo-database="${prefix}_test_unit" \
  --odoo-log-level="${ODOO_TEST_LOG_LEVEL:-warn}" -r fEs "$@"
