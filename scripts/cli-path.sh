#!/usr/bin/env bash
# Prints the path of a Terraform (default) or OpenTofu CLI, building the
# pinned version once into a cache folder when none is available. No CLI
# release can be downloaded on the project's machines, but both build from
# Go modules.
#
#   scripts/cli-path.sh            # terraform: $TERRAFORM, else PATH, else build v1.5.7
#   scripts/cli-path.sh tofu       # tofu:      $TOFU, else PATH, else build v1.6.3
set -euo pipefail

TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-wix/tools}"
cli="${1:-terraform}"

case "$cli" in
  terraform) override="${TERRAFORM:-}"; module="github.com/hashicorp/terraform@v1.5.7" ;;
  tofu)      override="${TOFU:-}";      module="github.com/opentofu/opentofu/cmd/tofu@v1.6.3" ;;
  *) echo "cli-path.sh: unknown CLI '$cli' (want terraform or tofu)" >&2; exit 2 ;;
esac

if [[ -n "$override" ]]; then
  echo "$override"
  exit 0
fi
if found=$(command -v "$cli" 2>/dev/null); then
  echo "$found"
  exit 0
fi

version="${module##*@}"
target="$TOOLS_DIR/$cli@$version"
if [[ ! -x "$target" ]]; then
  echo "Building $cli $version once into $TOOLS_DIR (a few minutes; cached afterwards)..." >&2
  build_dir=$(mktemp -d)
  trap 'rm -rf "$build_dir"' EXIT
  # Build outside this module so its go.mod plays no part.
  (cd "$build_dir" && GOBIN="$build_dir" GOFLAGS=-mod=mod go install "$module") >&2
  mkdir -p "$TOOLS_DIR"
  mv "$build_dir/$cli" "$target"
fi
echo "$target"
