#!/usr/bin/env bash
# Run the provider's acceptance tests under a pinned CLI other than the one
# `make test` finds, so that CI covers the range the README promises:
#
#   scripts/testacc.sh oldest  [go test flags...]  Terraform 1.5.7, the oldest supported
#   scripts/testacc.sh actions [go test flags...]  Terraform 1.14.3: actions and terraform
#                                                   query (1.14+), whose tests must run here
#                                                   and fail rather than skip (against the
#                                                   simulator; the real API skips them)
#   scripts/testacc.sh tofu    [go test flags...]  OpenTofu: $TOFU, else tofu on PATH, else 1.6.3,
#                                                   the oldest supported
#   scripts/testacc.sh tofu-newest [go test flags...]
#                                                   OpenTofu 1.12.6, the newest the module proxy
#                                                   serves: the test of the ephemeral
#                                                   wix_access_token (OpenTofu 1.11+) must run
#                                                   here and fails rather than skips
#
# e.g. scripts/testacc.sh tofu -v -run TestAccAutomationEventCancellation
# The Terraform and OpenTofu builds come from scripts/tool.sh (built once, cached). The
# tests run against the Wix API simulator unless the real-API variables are
# set (README.md, "Testing against the real Wix API").
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_root"

[[ $# -ge 1 ]] || die "usage: scripts/testacc.sh oldest|actions|tofu|tofu-newest [go test flags...]"
which="$1"
shift
drop_missing_cli_config
# TF_ACC_TERRAFORM_VERSION would make plugin-testing download a CLI instead.
unset TF_ACC_TERRAFORM_VERSION WIX_TEST_REQUIRE_ACTIONS WIX_TEST_REQUIRE_EPHEMERAL TF_ACC_PROVIDER_HOST

case "$which" in
  oldest) cli="$(scripts/tool.sh terraform)" ;;
  actions)
    cli="$(scripts/tool.sh terraform-actions)"
    export WIX_TEST_REQUIRE_ACTIONS=1
    ;;
  tofu | tofu-newest)
    if [[ "$which" == tofu ]]; then
      cli="$(cli_path tofu OpenTofu)"
    else
      cli="$(scripts/tool.sh tofu-newest)"
      export WIX_TEST_REQUIRE_EPHEMERAL=1
    fi
    # plugin-testing runs the provider in-process and tells the CLI to use
    # it under TF_ACC_PROVIDER_HOST; OpenTofu rejects the default
    # registry.terraform.io/hashicorp address, so the provider is served
    # under the OpenTofu registry host.
    export TF_ACC_PROVIDER_HOST="registry.opentofu.org"
    ;;
  *) die "unknown CLI '$which' (want oldest, actions, tofu or tofu-newest)" ;;
esac

version="$(cli_name_version "$cli")"
case "$which" in
  tofu*) [[ "$version" == OpenTofu* ]] || die "$cli is not OpenTofu (its version says: ${version:-nothing}); set TOFU=/path/to/tofu" ;;
  *) [[ "$version" == Terraform* ]] || die "$cli does not run as Terraform (its version says: ${version:-nothing})" ;;
esac
echo "Using $version at $cli"

export TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" CHECKPOINT_DISABLE=1
go test -count=1 -timeout 30m "$@" ./internal/provider/...
