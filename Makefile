# The newcomer's two commands are `make demo` and `make test` (README.md).
# Every target installs what it needs (Terraform included) and caches it.

.DEFAULT_GOAL := help
SHELL := /bin/bash

.PHONY: help build demo test testacc-tofu fuzz bench docs docs-check lint release-check ci

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

build: ## build terraform-provider-wix into the repository root
	go build -o terraform-provider-wix .

demo: ## cancel events on the bundled Wix API simulator with terraform apply, then show an empty plan
	scripts/demo.sh

test: ## unit and acceptance tests (real Terraform CLI, simulator) with the race detector
	scripts/test.sh

testacc-tofu: ## the acceptance tests under OpenTofu
	scripts/testacc-tofu.sh

fuzz: ## a short run of every fuzz target
	scripts/fuzz.sh

bench: ## the benchmark of issue #4 (prints a table; see BENCHMARKS.md)
	scripts/bench.sh

docs: ## regenerate docs/ with tfplugindocs
	scripts/docs.sh

docs-check: ## fail when docs/ is stale, tfplugindocs validate fails, or examples are not formatted
	scripts/docs-check.sh

lint: ## golangci-lint
	scripts/lint.sh

release-check: ## goreleaser check and cross-builds
	scripts/release-check.sh

ci: test lint docs-check testacc-tofu fuzz release-check ## what .ci/run runs
