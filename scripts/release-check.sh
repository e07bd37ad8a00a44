#!/usr/bin/env bash
# Check that a release would build: validate .goreleaser.yml with the pinned
# goreleaser, then cross-compile the provider for two non-Linux targets the
# registry ships (macOS arm64, Windows amd64) without cgo.
#
# Usage: scripts/release-check.sh
#
# goreleaser is installed (once) by scripts/install-tools.sh into
# ${TOOLS_DIR:-$HOME/.cache/terraform-provider-wix/tools}. Nothing is
# published and no signing key is needed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-wix/tools}"

"$repo_root/scripts/install-tools.sh" goreleaser

cd "$repo_root"

echo "==> goreleaser check"
"$TOOLS_DIR/goreleaser" check

for target in darwin/arm64 windows/amd64; do
  echo "==> go build ($target)"
  CGO_ENABLED=0 GOOS="${target%/*}" GOARCH="${target#*/}" \
    go build -trimpath -o /dev/null .
done

echo "release-check: OK"
