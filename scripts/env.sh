# Sourced by every project script: one place for the environment Odoo 11 needs here.
# shellcheck shell=bash
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VENV=$ROOT/.venv
TOOLS=$ROOT/.tools
export ROOT VENV TOOLS
# Debian's node-less (lessc) only starts under nodesource nodejs with this (PLATFORM gotcha 3).
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
# Patched-Qt wkhtmltopdf (headers/footers in PDFs) first on PATH.
export PATH=$TOOLS/wkhtmltox/bin:$VENV/bin:$PATH
export OPENSSL_CONF=/dev/null
# PostgreSQL >= 12 prints float8 in shortest form; Odoo 11 expects the old 15 digits (gotcha 2).
case " ${PGOPTIONS:-} " in *extra_float_digits*) ;; *) export PGOPTIONS="${PGOPTIONS:-} -c extra_float_digits=0" ;; esac
export PYTHONDONTWRITEBYTECODE=1
# what a database gets installed (the Makefile exports the same default)
export MODULES=${MODULES:-overseas_returns,overseas_returns_reports,l10n_generic_coa}
# PostgreSQL: a server named by PG* variables (or db_host in odoo.conf) if it answers,
# else the project-local cluster under .pgdata/ with its socket in .pgsock/.
PG_LOCAL_DATA=$ROOT/.pgdata
PG_LOCAL_SOCK=$ROOT/.pgsock
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
export PG_LOCAL_DATA PG_LOCAL_SOCK PG_BIN
if [ -z "${PGHOST:-}" ]; then
  conf_host=$(sed -n 's/^db_host *= *\(.*\)$/\1/p' "$ROOT/odoo.conf" 2>/dev/null | grep -v -i '^false$' || true)
  if [ -n "$conf_host" ]; then export PGHOST=$conf_host; else export PGHOST=$PG_LOCAL_SOCK PG_USE_LOCAL=1; fi
fi
export PGDATABASE=${PGDATABASE:-postgres}
die() { echo "ERROR: $*" >&2; exit 1; }
say() { echo "==> $*"; }
