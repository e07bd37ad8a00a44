#!/usr/bin/env bash
# Writes the state that upgrade_test.go (internal/provider) plans with
# today's provider: an earlier provider, built from git REF, applies
# internal/provider/testdata/upgrade/main.tf against the simulator with
# Terraform 1.5.7 (the oldest supported, so that every CLI the tests use
# reads the state), and the state file and the simulator's state are saved
# next to main.tf. Run it again when a release's state should be the one
# every later provider must plan empty; the test itself needs no git
# history and builds nothing old.
#
# Usage: scripts/upgrade-fixture.sh [REF]   (default: the main of 2026-11-27)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_root"

ref="${1:-028e40cbd017a3ef365c75bf49c1b7ca9e139df1}"
fixture="internal/provider/testdata/upgrade"
commit="$(git rev-parse --verify "$ref^{commit}")" || die "no commit $ref in this clone"
terraform="$(scripts/tool.sh terraform)"
drop_missing_cli_config

work="$(mktemp -d)"
cleanup() {
  stop_simulator
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> Building the provider of $commit"
mkdir -p "$work/src" "$work/bin" "$work/config"
git archive "$commit" | tar -x -C "$work/src"
(cd "$work/src" && GOFLAGS=-mod=mod go build -o "$work/bin/terraform-provider-wix" .)

echo "==> Starting today's simulator, keeping its state"
start_simulator "$work" -state "$work/wixsim-state.json"

echo "==> Applying $fixture/main.tf with that provider and $(cli_name_version "$terraform")"
cp "$fixture/main.tf" "$work/config/"
cat >"$work/config/provider.tf" <<'EOF'
terraform {
  required_providers {
    wix = { source = "registry.terraform.io/wix-terraform/wix" }
  }
}

provider "wix" {}
EOF
(cd "$work/config" && "$terraform" apply -auto-approve -no-color -compact-warnings)

echo "==> Stopping the simulator, which writes its state"
stop_simulator

cp "$work/config/terraform.tfstate" "$fixture/terraform.tfstate"
cp "$work/wixsim-state.json" "$fixture/wixsim-state.json"
printf '%s\n' "state written by terraform-provider-wix built from $commit" \
  "($(git log -1 --format='%ad, %s' --date=short "$commit")), with $(cli_name_version "$terraform"), by scripts/upgrade-fixture.sh" \
  >"$fixture/SOURCE"
echo "upgrade-fixture: wrote $fixture/terraform.tfstate, wixsim-state.json and SOURCE"
