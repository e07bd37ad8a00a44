#!/usr/bin/env bash
# Install the pinned developer tools this project uses (golangci-lint,
# goreleaser) into a per-user cache directory, building each one with
# `go install` only when the pinned version is not already there.
#
# Usage:
#   scripts/install-tools.sh                          # install every tool
#   scripts/install-tools.sh golangci-lint            # install only these
#   scripts/install-tools.sh golangci-lint goreleaser
#
# The tools land in "${TOOLS_DIR:-$HOME/.cache/terraform-provider-wix/tools}".
# Each binary is stored under a versioned name (e.g. golangci-lint@v2.15.0)
# with a plain-named symlink next to it, so bumping a pin below triggers a
# rebuild while an unchanged pin is a no-op. The script prints nothing on
# success; callers compute the path themselves, e.g.:
#
#   TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-wix/tools}"
#   scripts/install-tools.sh golangci-lint
#   "$TOOLS_DIR/golangci-lint" run ./...
#
# Requires only a Go toolchain; the tools are built from Go modules.
set -euo pipefail

TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/terraform-provider-wix/tools}"

# Pinned versions: tool name -> "module/path@version". A function rather than
# an associative array so that the bash 3.2 shipped with macOS runs this too.
# When bumping goreleaser, bump the version in .github/workflows/release.yml.
tool_module() {
  case "$1" in
    golangci-lint) echo "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0" ;;
    goreleaser) echo "github.com/goreleaser/goreleaser/v2@v2.15.1" ;;
    *) return 1 ;;
  esac
}
ALL_TOOLS=(golangci-lint goreleaser)

die() {
  echo "install-tools.sh: $*" >&2
  exit 1
}

command -v go >/dev/null 2>&1 || die "go is not on PATH"

if [[ $# -gt 0 ]]; then
  wanted=("$@")
else
  wanted=("${ALL_TOOLS[@]}")
fi

mkdir -p "$TOOLS_DIR"

for tool in "${wanted[@]}"; do
  spec="$(tool_module "$tool")" || die "unknown tool '$tool' (known: ${ALL_TOOLS[*]})"
  version="${spec##*@}"
  versioned="$TOOLS_DIR/$tool@$version"

  if [[ ! -x "$versioned" ]]; then
    # Build in a scratch GOBIN so a failed or interrupted build never
    # leaves a half-written binary under the final name.
    tmp_bin="$(mktemp -d "$TOOLS_DIR/.build.XXXXXX")"
    # Run outside the repository so this project's go.mod does not take part
    # in resolving the tool's dependencies.
    if ! (cd "$tmp_bin" && GOBIN="$tmp_bin" GOFLAGS="${GOFLAGS:-} -trimpath" \
        GO111MODULE=on go install "$spec" >&2); then
      rm -rf "$tmp_bin"
      die "failed to install $spec"
    fi
    # go install names the binary after the last path element, skipping a
    # major-version suffix (github.com/goreleaser/goreleaser/v2 -> goreleaser).
    pkg="${spec%@*}"
    name="$(basename "$pkg")"
    [[ "$name" =~ ^v[0-9]+$ ]] && name="$(basename "$(dirname "$pkg")")"
    built="$tmp_bin/$name"
    [[ -x "$built" ]] || { rm -rf "$tmp_bin"; die "go install of $spec produced no $built"; }
    mv -f "$built" "$versioned"
    rm -rf "$tmp_bin"
  fi

  ln -sfn "$tool@$version" "$TOOLS_DIR/$tool"
done
