#!/usr/bin/env bash
# make test: unit tests and acceptance tests, all with the race detector.
# Acceptance tests run a real Terraform CLI (terraform-plugin-testing)
# against the Wix API simulator, or against the real Wix API when
# WIX_APP_ID, WIX_APP_SECRET, WIX_INSTANCE_ID and WIX_TEST_TRIGGER_KEY are set.
set -euo pipefail
cd "$(dirname "$0")/.."

terraform=$(scripts/cli-path.sh terraform)
echo "Using $("$terraform" version 2>/dev/null | head -1) at $terraform"

go vet ./...
TF_ACC=1 TF_ACC_TERRAFORM_PATH="$terraform" go test -race -count=1 -timeout 30m "$@" ./...
