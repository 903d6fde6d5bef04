# Overseas Returns for Odoo — two commands: `make run` and `make test`.
SHELL := /bin/bash
DB ?= returns
PORT ?= 8069
# WORKERS=4: the multi-process (production) profile: workers, longpolling port, job runner
WORKERS ?= 0
MODULES ?= overseas_returns,overseas_returns_reports,l10n_generic_coa
export DB PORT MODULES WORKERS

.PHONY: setup run test bench db stop-pg clean

setup:
	@bash scripts/setup.sh

db: setup
	@bash scripts/db.sh "$(DB)"

run: db
	@bash scripts/serve.sh "$(DB)" "$(PORT)"

test: setup
	@bash scripts/test.sh

bench: setup
	@bash scripts/bench.sh

stop-pg:
	@bash scripts/pg.sh stop

clean: stop-pg
	rm -rf .venv .tools .pgdata .pgsock .data .test-data
