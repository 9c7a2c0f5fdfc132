# Developer commands; the logic lives in scripts/dev.sh (Windows: scripts/dev.ps1).
#   make run   [ARGS="--page 2"]       open the program on the demo base (created if absent)
#   make test  [ARGS="-k companies"]   ruff, lint-imports and the tests (Qt offscreen)
#   make demo                          create demo/asr-demo.db if absent
#   make lint                          ruff and lint-imports only
#   make screenshots                   one PNG per page into docs/screenshots/ (under Xvfb)

ARGS ?=
.DEFAULT_GOAL := help

.PHONY: run test demo lint screenshots help

run:
	@bash scripts/dev.sh run $(ARGS)

test:
	@bash scripts/dev.sh test $(ARGS)

demo:
	@bash scripts/dev.sh demo

lint:
	@bash scripts/dev.sh lint

screenshots:
	@bash scripts/dev.sh screenshots $(ARGS)

help:
	@sed -n "2,6p" Makefile
