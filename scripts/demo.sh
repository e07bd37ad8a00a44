#!/usr/bin/env bash
# make demo / make demo-tofu: the provider's main job end to end on this
# machine. It starts the Wix API simulator on loopback, applies demo/main.tf
# with a real CLI through a dev_overrides CLI configuration (no registry, no
# init), then shows that a second plan has nothing to do.
#
# Usage: scripts/demo.sh [terraform|tofu]     (default terraform; see scripts/cli-path.sh)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_root"

cli="$(cli_path "${1:-terraform}" "${1:-terraform}")"
cli_version="$(cli_name_version "$cli")"
[[ -n "$cli_version" ]] || die "$cli does not run"
work=$(mktemp -d)
cleanup() {
  stop_simulator
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> Using $cli_version ($cli)"
echo "==> Building the provider"
go build -o "$work/bin/terraform-provider-wix" -ldflags "-X main.version=demo" .

echo "==> Building and starting the Wix API simulator"
start_simulator "$work"
mkdir "$work/config"
cp demo/main.tf "$work/config/"
cd "$work/config"

# apply_then_nothing_left ARGS...: apply, then require a second plan with
# the same arguments to have nothing to do.
apply_then_nothing_left() {
  "$cli" apply -auto-approve -no-color -compact-warnings "$@"
  echo "==> plan $* (a second plan must have no changes)"
  set +e
  "$cli" plan -detailed-exitcode -no-color -compact-warnings "$@"
  local code=$?
  set -e
  [[ $code -eq 0 ]] || die "the second plan was not empty (exit code $code)"
}

echo "==> apply: the environment is up ($cli_version)"
apply_then_nothing_left

echo "==> apply -var decommissioned=true: the environment is retired"
apply_then_nothing_left -var decommissioned=true

echo "==> Stopping the simulator"
stop_simulator
echo "demo: OK with $cli_version"
