#!/usr/bin/env bash
# make bench: returns desk throughput, our batch flow against Odoo's native return flow.
# Builds a scratch database ort_bench (a copy of the current unit-test template when one
# matches the add-ons' hash, else a fresh install without demo data), runs
# scripts/bench.py on it and drops it again.
#   BENCH_RETURNS (default 200) returns of BENCH_LINES (default 5) lines each;
#   BENCH_REPORT_LINES (default "200000 1000000") return lines of the reports benchmark.
#   BENCH_IMPORT_ROWS (20000) rows of the manifest import, run by BENCH_IMPORT_WORKERS (2)
#   job workers; BENCH_LOAD_USERS (50) users for BENCH_LOAD_SECONDS (120) against a
#   server of BENCH_LOAD_WORKERS (4) workers (BENCH_LOAD_SECONDS=0 skips the load part).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
db=${BENCH_DB:-ort_bench}
case "$db" in ort_bench*) ;; *) die "BENCH_DB must start with ort_bench" ;; esac
cleanup() {
  dropdb --if-exists "$db" 2>/dev/null || true
  rm -rf ".data/filestore/$db"
}
trap cleanup EXIT
cleanup

hash=$(bash scripts/addons_hash.sh)
tmpl=$(psql -XtAc "SELECT datname FROM pg_database WHERE datname = 'ort_tmpl_unit_$hash'" || true)
copied=
if [ -n "$tmpl" ]; then
  say "copying template $tmpl into $db"
  if createdb -T "$tmpl" "$db" 2>/dev/null; then
    copied=1
    if [ -d ".data/filestore/$tmpl" ]; then
      mkdir -p .data/filestore; cp -a ".data/filestore/$tmpl" ".data/filestore/$db"
    fi
  else
    say "template $tmpl is busy; installing instead"
  fi
fi
if [ -z "$copied" ]; then
  say "creating $db and installing both add-ons (no demo data)"
  createdb "$db"
  "$VENV/bin/odoo" -c odoo.conf -d "$db" --without-demo=all --stop-after-init --no-http \
    --log-level=warn -i overseas_returns,overseas_returns_reports 2>&1 \
    | grep -v -e YAMLLoadWarning -e 'yaml.load' -e 'test_exceptions' || true
  [ "$(psql -XtA -d "$db" -c "SELECT count(*) FROM ir_module_module WHERE name IN ('overseas_returns', 'overseas_returns_reports') AND state='installed'")" = 2 ] \
    || die "installing the add-ons into $db failed (log above)"
fi
say "running the benchmarks"
mkdir -p .data; rm -f .data/bench-desk.log .data/bench-report.log .data/bench-import.log \
  .data/bench-scan.log .data/bench-load.log
"$VENV/bin/python" scripts/bench.py -c odoo.conf -d "$db" \
  --returns "${BENCH_RETURNS:-200}" --lines "${BENCH_LINES:-5}" | tee .data/bench-desk.log
# BENCH_REPORT_LINES: the sizes of the reports benchmark, one run each
for report_lines in ${BENCH_REPORT_LINES:-200000 1000000}; do
  "$VENV/bin/python" scripts/bench_report.py -c odoo.conf -d "$db" \
    --lines "$report_lines" | tee -a .data/bench-report.log
done
if [ -f scripts/bench_import.py ]; then
  "$VENV/bin/python" scripts/bench_import.py -c odoo.conf -d "$db" \
    --rows "${BENCH_IMPORT_ROWS:-20000}" --job-workers "${BENCH_IMPORT_WORKERS:-2}" \
    | tee .data/bench-import.log
fi
"$VENV/bin/python" scripts/bench_scan.py -c odoo.conf -d "$db" \
  --returns "${BENCH_SCAN_RETURNS:-30}" --lines "${BENCH_SCAN_LINES:-3}" | tee .data/bench-scan.log
if [ "${BENCH_LOAD_SECONDS:-120}" != 0 ]; then
  "$VENV/bin/python" scripts/bench_load.py -c odoo.conf -d "$db" \
    --users "${BENCH_LOAD_USERS:-50}" --seconds "${BENCH_LOAD_SECONDS:-120}" \
    --workers "${BENCH_LOAD_WORKERS:-4}" | tee .data/bench-load.log
fi
# one summary line per part, last
echo
grep -h -e '^bench: ' .data/bench-desk.log
grep -h -e '^bench-report: ' .data/bench-report.log
[ -f .data/bench-import.log ] && grep -h -e '^bench-import-row: ' -e '^bench-import: ' .data/bench-import.log || true
grep -h -e '^bench-scan: ' .data/bench-scan.log
[ -f .data/bench-load.log ] && grep -h -e '^bench-load: ' .data/bench-load.log || true
