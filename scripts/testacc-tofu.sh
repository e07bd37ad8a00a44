#!/usr/bin/env bash
# Run the acceptance tests under OpenTofu instead of Terraform.
#
# Usage: scripts/testacc-tofu.sh [extra go test flags...]
#   e.g. scripts/testacc-tofu.sh -v -run TestAccAutomationEventCancellation
#
# OpenTofu is taken from $TOFU, else `tofu` on PATH, else scripts/cli-path.sh
# builds the pinned version once. The tests run against
# the Wix API simulator unless the real-API variables are set (README.md,
# "Testing against the real Wix API").
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_root"

tofu="$(cli_path tofu OpenTofu)"

drop_missing_cli_config

version="$(cli_name_version "$tofu")"
[[ "$version" == OpenTofu* ]] ||
  die "$tofu is not OpenTofu (its version says: ${version:-nothing}); set TOFU=/path/to/tofu"
echo "Using $version at $tofu"

# terraform-plugin-testing runs the provider in-process and tells the CLI to
# use it under TF_ACC_PROVIDER_HOST; OpenTofu rejects the default
# registry.terraform.io/hashicorp address, so the provider is served under
# the OpenTofu registry host. TF_ACC_TERRAFORM_VERSION would make
# plugin-testing download Terraform instead.
unset TF_ACC_TERRAFORM_VERSION
export TF_ACC=1
export TF_ACC_TERRAFORM_PATH="$tofu"
export TF_ACC_PROVIDER_HOST="registry.opentofu.org"
export CHECKPOINT_DISABLE=1

go test -count=1 -timeout 30m "$@" ./internal/provider/...
