# The newcomer's two commands are `make demo` and `make test` (README.md).
# Every target installs what it needs (Terraform included) and caches it:
# scripts/tool.sh holds the pinned tools, scripts/cli-path.sh finds the CLI.
# One-line targets live here; scripts/ holds only what has logic.

.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

.PHONY: help build install examples-check demo demo-tofu sim smoke test upgrade-fixture soak testacc-oldest testacc-actions testacc-tofu testacc-tofu-newest fuzz mutation bench docs docs-check snippets-check lint release-check ci

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

build: ## build terraform-provider-wix into the repository root
	go build -o terraform-provider-wix .

install: ## build the provider into ~/.terraform.d/plugins (Terraform's and OpenTofu's implied local mirror), so that terraform init finds it
	scripts/install.sh

demo: ## cancel events on the bundled Wix API simulator with terraform apply, then show an empty plan
	scripts/demo.sh terraform

demo-tofu: ## the same demo with OpenTofu (TOFU=path, else tofu on PATH, else v1.6.3 built once)
	scripts/demo.sh tofu

# SIMARGS passes flags to the simulator, e.g. make sim SIMARGS='-addr 127.0.0.1:8787'
# to keep its address across restarts (go run ./cmd/wixsim -help lists them).
sim: ## serve the simulator for your own configuration; prints the lines to paste into your shell (Ctrl-C stops it)
	@go build -o bin/terraform-provider-wix . && go build -o bin/wixsim ./cmd/wixsim && bin/wixsim -shell -provider-dir "$(CURDIR)/bin" $(SIMARGS)

# SMOKEARGS passes flags to cmd/wixsmoke, e.g. SMOKEARGS=-simulator (a rehearsal on the simulator) or '-terraform PATH'.
smoke: ## check the provider against your Wix site, then clean up (WIX_SMOKE=1 and real WIX_*: README, "Checking against your Wix site")
	go run ./cmd/wixsmoke $(SMOKEARGS)

# TESTARGS passes extra flags to go test, e.g. make test TESTARGS='-run TestAcc -v'.
# TESTPARALLEL tests of a package run at once: an acceptance test mostly
# waits (for Terraform processes, pacing, retries), so 6 keep 2 cores busy.
TESTPARALLEL ?= 6
# The progress filter prints each package as it starts and ends, each test
# over 10 s, and the whole output of what failed (tools/testprogress).
test: ## unit and acceptance tests (real Terraform CLI, simulator) with the race detector
	terraform="$$(scripts/cli-path.sh terraform)"; \
	echo "Using $$("$$terraform" version 2>/dev/null | sed -n 1p) at $$terraform"; \
	echo "==> go vet (a cold build with the race detector takes minutes; packages show as they start and end)"; \
	go vet ./...; \
	go build -o bin/testprogress ./tools/testprogress; \
	TF_ACC=1 TF_ACC_TERRAFORM_PATH="$$terraform" go test -json -race -count=1 -parallel $(TESTPARALLEL) -timeout 30m $(TESTARGS) ./... | bin/testprogress -trim github.com/wix-terraform/terraform-provider-wix/

# SOAK_DURATION is how long make soak draws random seeds (a Go duration);
# SOAK_SEED=n replays one seed instead, SOAK_RATE the share of attempts
# chosen to fail (default 0.3). make test runs the soak's fixed seeds.
SOAK_DURATION ?= 5m
upgrade-fixture: ## write internal/provider/testdata/upgrade anew: the state the provider of REF (default: main of 2026-11-27) leaves
	scripts/upgrade-fixture.sh $(REF)

soak: ## the lifecycle soak (an environment created, retired, destroyed under seeded faults) with random seeds for SOAK_DURATION, printing each seed
	terraform="$$(scripts/cli-path.sh terraform)"; \
	SOAK_DURATION="$(SOAK_DURATION)" SOAK_SEED="$(SOAK_SEED)" SOAK_RATE="$(SOAK_RATE)" TF_ACC=1 TF_ACC_TERRAFORM_PATH="$$terraform" \
	go test -race -count=1 -timeout 0 -run 'TestAccSoakRandom' -v ./internal/provider/soak/ | grep --line-buffered -v '^=== '

examples-check: ## apply every example under examples/ as written against the simulator, plan empty, destroy (make test runs it too)
	terraform="$$(scripts/cli-path.sh terraform)"; TF_ACC=1 TF_ACC_TERRAFORM_PATH="$$terraform" go test -count=1 -run 'TestAccExamples' -v ./internal/provider/

testacc-oldest: ## the acceptance tests under Terraform 1.5.7, the oldest supported (built once)
	scripts/testacc.sh oldest -parallel $(TESTPARALLEL) $(TESTARGS)

testacc-actions: ## the acceptance tests under Terraform 1.14.3, with actions and terraform query (1.14+; built once)
	scripts/testacc.sh actions -parallel $(TESTPARALLEL) $(TESTARGS)

testacc-tofu: ## the acceptance tests under OpenTofu (TOFU=path, else tofu on PATH, else v1.6.3 built once)
	scripts/testacc.sh tofu -parallel $(TESTPARALLEL) $(TESTARGS)

testacc-tofu-newest: ## the acceptance tests under OpenTofu 1.12.6, the newest (built once); wix_access_token must run
	scripts/testacc.sh tofu-newest -parallel $(TESTPARALLEL) $(TESTARGS)

fuzz: ## a short run of every fuzz target (FUZZTIME, default 10s each)
	scripts/fuzz.sh

mutation: ## mutation testing of the Wix client with gremlins; fails under 90% efficacy (slow; not in CI)
	gremlins="$$(scripts/tool.sh gremlins)"; "$$gremlins" unleash --threshold-efficacy 90 ./internal/wix

bench: ## the benchmark of issue #4 (prints a table; see BENCHMARKS.md)
	scripts/bench.sh

docs: ## regenerate docs/ with tfplugindocs
	scripts/docs.sh

docs-check: ## fail when docs/ is stale, tfplugindocs validate fails, examples are not formatted or a snippet does not validate
	scripts/docs-check.sh
	scripts/snippets-check.sh

snippets-check: ## terraform validate every hcl/terraform snippet of README.md, templates/ and docs/
	scripts/snippets-check.sh

lint: ## every workflow action pinned to a commit SHA, then golangci-lint (pinned in scripts/tool.sh) with .golangci.yml
	scripts/action-pins-test.sh
	scripts/action-pins.sh check
	lint="$$(scripts/tool.sh golangci-lint)"; "$$lint" config verify; "$$lint" run $(LINTARGS) ./...

release-check: ## goreleaser check and CGO-free cross-builds for macOS arm64 and Windows amd64
	goreleaser="$$(scripts/tool.sh goreleaser)"; "$$goreleaser" check
	CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 go build -trimpath -o /dev/null .
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -trimpath -o /dev/null .

ci: test lint docs-check testacc-oldest testacc-actions testacc-tofu testacc-tofu-newest demo-tofu fuzz release-check ## what .ci/run runs (after installing what a clean machine lacks)
