# Developer commands; the logic lives in scripts/dev.sh (Windows: scripts/dev.ps1).
#   make run   [ARGS="--page 2"]       open the program on the demo base (created if absent)
#   make test  [ARGS="-k companies"]   ruff, lint-imports and the tests (Qt offscreen)
#   make demo                          create demo/asr-demo.db if absent
#   make lint                          ruff and lint-imports only

ARGS ?=
.DEFAULT_GOAL := help

.PHONY: run test demo lint help

run:
	@bash scripts/dev.sh run $(ARGS)

test:
	@bash scripts/dev.sh test $(ARGS)

demo:
	@bash scripts/dev.sh demo

lint:
	@bash scripts/dev.sh lint

help:
	@sed -n "2,5p" Makefile
