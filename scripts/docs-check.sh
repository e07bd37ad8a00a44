#!/usr/bin/env bash
# Check that the committed docs/ is what scripts/docs.sh generates from the
# current schema, templates/ and examples/, that tfplugindocs validate
# passes, and that the examples are formatted with `terraform fmt`.
#
# Usage: scripts/docs-check.sh
#
# It regenerates docs/ in the working tree (so after a failure, the diff
# to commit is already there). Terraform comes from scripts/cli-path.sh.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_root"

if ! "$repo_root/scripts/docs.sh"; then
  die "generating or validating the docs failed (see above)."
fi

echo "==> docs/ is up to date"
if ! git diff --compact-summary --exit-code -- docs/; then
  die "docs/ is out of date: run scripts/docs.sh and commit the result (edit templates/, examples/ or the schema descriptions, never docs/ directly)."
fi
untracked="$(git status --porcelain --untracked-files=all -- docs/)"
if [[ -n "$untracked" ]]; then
  echo "$untracked" >&2
  die "scripts/docs.sh generated files under docs/ that are not committed: add and commit them."
fi

echo "==> terraform fmt -check -recursive examples"
terraform_bin="$(cli_path terraform Terraform)"
drop_missing_cli_config
if ! CHECKPOINT_DISABLE=1 "$terraform_bin" fmt -check -recursive -diff examples; then
  die "examples/ is not formatted: run 'terraform fmt -recursive examples' and commit the result."
fi

echo "docs-check: OK"
