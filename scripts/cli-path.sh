#!/usr/bin/env bash
# Prints the path of a Terraform (default) or OpenTofu CLI: the one named by
# $TERRAFORM or $TOFU, else the one on PATH, else the pinned version that
# scripts/tool.sh builds once into the tool cache.
#
#   scripts/cli-path.sh            # terraform: $TERRAFORM, else PATH, else v1.5.7
#   scripts/cli-path.sh tofu       # tofu:      $TOFU, else PATH, else v1.6.3
set -euo pipefail

cli="${1:-terraform}"
case "$cli" in
  terraform) override="${TERRAFORM:-}" ;;
  tofu) override="${TOFU:-}" ;;
  *) echo "cli-path.sh: unknown CLI '$cli' (want terraform or tofu)" >&2; exit 2 ;;
esac

if [[ -n "$override" ]]; then
  echo "$override"
elif command -v "$cli" 2>/dev/null; then
  :
else
  exec "$(dirname "${BASH_SOURCE[0]}")/tool.sh" "$cli"
fi
