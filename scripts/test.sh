#!/usr/bin/env bash
# make test: every test in one pytest run.
#  - each add-on's tests (addons/*/tests, Odoo's test classes through pytest-odoo) run
#    in-process against a fresh copy of an installed template database without demo data;
#  - tests/ (XML-RPC, browser, ...) start a real Odoo server against a fresh copy of an
#    installed template database with demo data.
#  - with no argument, first Odoo's own test runner (as OCA CI and runbot test an add-on):
#    on a fresh database with demo data and one without, the dependencies are installed
#    without tests, then `-i` our add-ons with --test-enable; fails on any failure or
#    error in our modules, or a timeout. Named tests (arguments) run pytest only.
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
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Odoo's runner, once with demo data and once without: prints one summary line and
# returns non-zero on a failure/error in our modules or a timeout
odoo_runner() {
  local ours deps deps_hash summary="" status=0 mode db tmpl log demo_arg rc tests errors failures other
  ours=$(echo "$MODULES" | tr ',' '\n' | grep '^overseas_' | paste -sd, -)
  # what our add-ons need, from their manifests, plus what MODULES adds (the chart of accounts)
  deps=$( { for m in ${ours//,/ }; do "$VENV/bin/python" -c 'import ast, sys
print("\n".join(ast.literal_eval(open(sys.argv[1]).read()).get("depends", [])))' "addons/$m/__manifest__.py"; done
          echo "$MODULES" | tr ',' '\n'; } | grep -v '^overseas_' | grep . | LC_ALL=C sort -u | paste -sd, -)
  deps_hash=$(echo "$deps $(sha1sum requirements.txt)" | sha1sum | cut -c1-10)
  for mode in demo no-demo; do
    db="${prefix}_runner_${mode//-/}"
    tmpl="${prefix}_rdeps_${mode//-/}_$deps_hash"
    log="$ROOT/.data/test-logs/odoo-runner-$mode.log"
    demo_arg=(); [ "$mode" = no-demo ] && demo_arg=(--without-demo=all)
    # the dependencies, installed without tests, kept as a template (they do not change
    # with our add-ons); built under a temporary name so a failed build leaves nothing
    if ! exists "$tmpl"; then
      for old in $(psql -XtAc "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}_rdeps_${mode//-/}_%'"); do
        dropdb "$old"; rm -rf ".data/filestore/$old"
      done
      say "odoo-runner ($mode): installing the dependencies $deps (no tests)"
      dropdb --if-exists "${tmpl}_tmp" 2>/dev/null; rm -rf ".data/filestore/${tmpl}_tmp"
      createdb "${tmpl}_tmp"
      timeout "${ORT_RUNNER_TIMEOUT:-1500}" "$VENV/bin/odoo" -c odoo.conf -d "${tmpl}_tmp" -i "$deps" \
        "${demo_arg[@]}" --stop-after-init --no-http --log-level=warn >"$log" 2>&1 || true
      if [ "$(psql -XtA -d "${tmpl}_tmp" -c "SELECT count(*) FROM ir_module_module WHERE name IN ('${deps//,/\',\'}') AND state='installed'")" != "$(echo "$deps" | tr ',' '\n' | wc -l)" ]; then
        tail -n 30 "$log"; dropdb "${tmpl}_tmp"
        echo "odoo-runner: installing the dependencies failed ($mode), see $log"; return 1
      fi
      psql -XqAc "ALTER DATABASE \"${tmpl}_tmp\" RENAME TO \"$tmpl\""
      if [ -d ".data/filestore/${tmpl}_tmp" ]; then mv ".data/filestore/${tmpl}_tmp" ".data/filestore/$tmpl"; fi
    fi
    fresh_copy "$tmpl" "$db"
    say "odoo-runner ($mode): odoo -i $ours --test-enable on $db (log: $log)"
    rc=0
    timeout "${ORT_RUNNER_TIMEOUT:-1500}" "$VENV/bin/odoo" -c odoo.conf -d "$db" -i "$ours" "${demo_arg[@]}" \
      --test-enable --stop-after-init --http-port="$(free_port)" --http-interface=127.0.0.1 \
      --log-level=test >"$log" 2>&1 || rc=$?
    # unittest's lines, logged by odoo.addons.<module>.tests.<file>
    tests=$(grep -E ' odoo\.addons\.overseas_returns[a-z_]*\.tests\.[a-z_0-9]+: Ran [0-9]+ test' "$log" \
            | sed -E 's/.*: Ran ([0-9]+) test.*/\1/' | awk '{ total += $1 } END { print total + 0 }')
    tests=${tests:-0}
    errors=$(grep -cE ' odoo\.addons\.overseas_returns[a-z_]*\.tests\.[a-z_0-9]+: ERROR: ' "$log" || true)
    failures=$(grep -cE ' odoo\.addons\.overseas_returns[a-z_]*\.tests\.[a-z_0-9]+: FAIL: ' "$log" || true)
    # anything else logged as an error about our add-ons (an install that fails, ...)
    other=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" | grep -c 'overseas_returns' || true)
    summary="$summary${summary:+; }$mode $tests tests, $errors errors, $failures failures"
    if [ "$rc" = 124 ]; then
      summary="$summary (TIMED OUT after ${ORT_RUNNER_TIMEOUT:-1500} s)"; status=1
    elif [ "$rc" != 0 ] || [ "$errors" != 0 ] || [ "$failures" != 0 ] || [ "$other" != 0 ] || [ "$tests" = 0 ]; then
      summary="$summary (exit $rc, $other error lines about our add-ons)"; status=1
    fi
    if [ "$status" != 0 ]; then
      grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" | grep 'overseas_returns' \
        | grep -vE ': (` .*|ERROR|FAIL|FAILED|Traceback \(most recent call last\):)$' | head -n 20 || true
    fi
  done
  echo "odoo-runner: $summary"
  return "$status"
}
runner_status=0
t0=$(date +%s)
if [ $# -eq 0 ] && [ "${ORT_SKIP_ODOO_RUNNER:-}" != 1 ]; then
  mkdir -p .data/test-logs
  odoo_runner || runner_status=$?
  say "Odoo's runner done in $(( $(date +%s) - t0 )) s (logs in .data/test-logs/)"
  # ORT_ODOO_RUNNER_ONLY=1: Odoo's runner alone, no pytest
  [ "${ORT_ODOO_RUNNER_ONLY:-}" != 1 ] || exit "$runner_status"
  t0=$(date +%s)
fi
template "${prefix}_tmpl_unit_$hash" --without-demo
template "${prefix}_tmpl_demo_$hash"
fresh_copy "${prefix}_tmpl_unit_$hash" "${prefix}_test_unit"
fresh_copy "${prefix}_tmpl_demo_$hash" "${prefix}_test_e2e"
say "databases ready in $(( $(date +%s) - t0 )) s; running pytest"
export ORT_E2E_DB="${prefix}_test_e2e"
# no argument: the whole suite; else what is named (paths, pytest options)
[ $# -gt 0 ] || set -- addons/*/tests tests
# addons_path entries are relative to the project root in odoo.conf
pytest_args=(-p no:cacheprovider --odoo-config=odoo.conf --odoo-database="${prefix}_test_unit"
  --odoo-log-level="${ODOO_TEST_LOG_LEVEL:-warn}" -r fEs "$@")
if [ "$runner_status" != 0 ]; then
  # Odoo's runner failed (its summary line is above): pytest still runs, the result is a failure
  "$VENV/bin/pytest" "${pytest_args[@]}" || true
  exit 1
fi
exec "$VENV/bin/pytest" "${pytest_args[@]}"
