#!/usr/bin/env bash
# Lint the provider with the pinned golangci-lint and the repo's .golangci.yml.
#
# Usage: scripts/lint.sh [extra golangci-lint run flags...]
#   e.g. scripts/lint.sh --fix
#
# golangci-lint is installed (once) by scripts/install-tools.sh into
# ${TOOLS_DIR:-$HOME/.cache/terraform-provider-wix/tools}.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-wix/tools}"

"$repo_root/scripts/install-tools.sh" golangci-lint

cd "$repo_root"
"$TOOLS_DIR/golangci-lint" config verify
"$TOOLS_DIR/golangci-lint" run "$@" ./...
