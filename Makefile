# The two commands of the README. Both install what they need first.
.PHONY: run test setup

run: ## install, then serve the demo restaurant on SQLite with virtual printers
	scripts/setup.sh
	.venv/bin/python run.py demo

test: ## install, then run the whole test suite (SQLite and PostgreSQL)
	scripts/test.sh

setup:
	scripts/setup.sh --test
