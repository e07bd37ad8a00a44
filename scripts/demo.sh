#!/usr/bin/env bash
# make demo: the provider's main job end to end on this machine. It starts
# the Wix API simulator on loopback, applies demo/main.tf with a real
# Terraform CLI through a dev_overrides CLI configuration (no registry, no
# init), then shows that a second plan has nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."

terraform=$(scripts/cli-path.sh terraform)
work=$(mktemp -d)
sim_pid=""
cleanup() {
  [[ -n "$sim_pid" ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> Building the provider and the Wix API simulator"
go build -o "$work/bin/terraform-provider-wix" -ldflags "-X main.version=demo" .
go build -o "$work/wixsim" ./cmd/wixsim

echo "==> Starting the simulator"
"$work/wixsim" -addr 127.0.0.1:0 -env-file "$work/wix.env" &
sim_pid=$!
for _ in $(seq 100); do [[ -s "$work/wix.env" ]] && break; sleep 0.1; done
[[ -s "$work/wix.env" ]] || { echo "the simulator did not start" >&2; exit 1; }
set -a
# shellcheck disable=SC1091
source "$work/wix.env"
set +a

cat > "$work/terraformrc" <<CONFIG
provider_installation {
  dev_overrides {
    "registry.terraform.io/wix-terraform/wix" = "$work/bin"
  }
  direct {}
}
CONFIG
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
mkdir "$work/config"
cp demo/main.tf "$work/config/"
cd "$work/config"

echo "==> terraform apply"
"$terraform" apply -auto-approve -no-color -compact-warnings

echo "==> terraform plan (a second plan must have no changes)"
set +e
"$terraform" plan -detailed-exitcode -no-color -compact-warnings
code=$?
set -e
if [[ $code -ne 0 ]]; then
  echo "the second plan was not empty (exit code $code)" >&2
  exit 1
fi

echo "==> Stopping the simulator"
kill "$sim_pid"
wait "$sim_pid" || true
sim_pid=""
