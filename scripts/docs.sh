#!/usr/bin/env bash
# Regenerate the registry documentation in docs/ from the provider's schema,
# templates/ and examples/, then validate it. docs/ is generated: edit the
# templates, the examples or the schema descriptions in internal/provider,
# never docs/ itself.
#
# Usage: scripts/docs.sh
#
# tfplugindocs is pinned in go.mod as a Go tool (`go tool tfplugindocs`).
# The provider schema comes from tools/schemajson, built in-process: the
# Terraform CLI on this machine may be older than 1.14 and would print no
# action or list resource schemas. tfplugindocs still wants a Terraform CLI
# for its own checks, which it would download if none were on PATH; this
# script never lets it: it uses the one scripts/cli-path.sh finds or builds.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_root"

# $TERRAFORM, else PATH, else the pinned version built once into a cache.
terraform_bin="$(cli_path terraform Terraform)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# tfplugindocs looks for a binary named exactly `terraform` on PATH: put the
# chosen one first under that name.
mkdir -p "$work/bin"
ln -s "$(cd "$(dirname "$terraform_bin")" && pwd)/$(basename "$terraform_bin")" "$work/bin/terraform"
export PATH="$work/bin:$PATH"

# No version check calls from the Terraform CLI; the schema export needs no
# CLI configuration.
export CHECKPOINT_DISABLE=1
drop_missing_cli_config

echo "==> provider schema, in-process (tools/schemajson)"
go run ./tools/schemajson >"$work/schema.json"

echo "==> tfplugindocs generate (Terraform: $("$work/bin/terraform" version | head -n 1))"
go tool tfplugindocs generate --provider-name wix --providers-schema "$work/schema.json" --website-temp-dir "$work/website"

echo "==> tfplugindocs validate"
go tool tfplugindocs validate --provider-name wix --providers-schema "$work/schema.json"
