#!/usr/bin/env bash
# Prints the path of a pinned developer tool, building it once with
# `go install` into the project's tool cache. Every script and make target
# that needs a tool gets it here, so each pin lives in one place.
#
# Usage: scripts/tool.sh NAME       e.g. "$(scripts/tool.sh golangci-lint)" run ./...
#
# NAME is one of the tools below. The binary is cached as NAME@VERSION in
# $TOOLS_DIR (default: the user's cache dir, terraform-provider-wix/tools),
# so bumping a pin rebuilds it and an unchanged pin costs nothing. Only a Go
# toolchain is needed: no CLI release can be downloaded on the project's
# machines, but every tool here builds from its Go module.
set -euo pipefail

TOOLS_DIR="${TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-wix/tools}"

# The pins. Terraform is the fallback when none is on PATH (scripts/cli-path.sh);
# terraform-actions is a Terraform with actions and `terraform query`, which
# came in 1.14 (make testacc-actions); tofu is the oldest OpenTofu supported
# (make testacc-tofu) and tofu-newest the newest release the module proxy
# serves (make testacc-tofu-newest). When bumping goreleaser, bump
# .github/workflows/release.yml too; when bumping tofu-newest, README.md's
# tested versions (the workflows take the pin from here).
module_of() {
  case "$1" in
    terraform) echo "github.com/hashicorp/terraform@v1.5.7" ;;
    terraform-actions) echo "github.com/hashicorp/terraform@v1.14.3" ;;
    tofu) echo "github.com/opentofu/opentofu/cmd/tofu@v1.6.3" ;;
    tofu-newest) echo "github.com/opentofu/opentofu@v1.12.6" ;;
    golangci-lint) echo "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0" ;;
    goreleaser) echo "github.com/goreleaser/goreleaser/v2@v2.15.1" ;;
    gremlins) echo "github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0" ;;
    *) return 1 ;;
  esac
}

die() {
  echo "tool.sh: $*" >&2
  exit 1
}

# copy_module_source MODULE DIR downloads MODULE and copies its source,
# writable, into DIR/src, for a CLI that cannot be `go install`ed.
copy_module_source() {
  local module="$1" dir="$2"
  (cd "$dir" && go mod download "$module") >&2 || die "go mod download $module failed (see above)"
  cp -R "$(go env GOMODCACHE)/${module%@*}@${module##*@}" "$dir/src"
  chmod -R u+w "$dir/src"
}

# build_terraform_from_source MODULE DIR builds the Terraform CLI of MODULE
# into DIR/terraform. Terraform 1.14 cannot be `go install`ed: its go.mod
# replaces nine remote-state backends (azurerm, consul, cos, gcs,
# kubernetes, oci, oss, pg, s3) and internal/legacy, which only tests
# import, with nested modules that the module download leaves out. So this
# takes the module's source, leaves those modules out (the tests keep local
# state), and builds it with the release version string, so that it reports
# no -dev suffix. (Terraform 1.6 and later are BUSL-1.1: the build serves
# only to test against and is never shipped; the MPL-2.0 1.5.7 stays the
# fallback CLI.) Portable sed: no -i, no \| or \t.
build_terraform_from_source() {
  local module="$1" dir="$2" src="$2/src"
  copy_module_source "$module" "$dir"
  local init="$src/internal/backend/init/init.go" nested='azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3'
  sed -E -e "/internal\/backend\/remote-state\/($nested)\"/d" \
    -e '/return backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\.New\(\)/d' "$init" >"$init.new"
  sed -E -e '/^[[:space:]]+github\.com\/hashicorp\/terraform\/internal\/[^ ]+ v0\.0\.0-00010101000000-000000000000$/d' \
    -e '/^replace github\.com\/hashicorp\/terraform\/internal\//d' "$src/go.mod" >"$src/go.mod.new"
  mv "$init.new" "$init"
  mv "$src/go.mod.new" "$src/go.mod"
  ! grep -Eq "remote-state/($nested)\"|backend/remote-state/($nested) v0|internal/legacy" "$init" "$src/go.mod" ||
    die "$module: its nested modules are no longer where this script expects them"
  (cd "$src" && GOFLAGS=-trimpath go build -ldflags "-X github.com/hashicorp/terraform/version.dev=no" \
    -o "$dir/terraform" .) >&2 || die "building $module failed (see above)"
  rm -rf "$src"
}

# build_tofu_from_source MODULE DIR builds the OpenTofu CLI of MODULE (the
# repository's root module) into DIR/tofu. OpenTofu 1.8 and later cannot
# be `go install`ed: their go.mod replaces hashicorp/hcl/v2 with OpenTofu's
# fork, and `go install` refuses a module with replace directives. Built in
# the module's own source the replace applies, as in OpenTofu's release
# build, with the release version string (no -dev suffix). MPL-2.0.
build_tofu_from_source() {
  local module="$1" dir="$2" src="$2/src"
  copy_module_source "$module" "$dir"
  [[ -d "$src/cmd/tofu" ]] || die "$module has no cmd/tofu: the OpenTofu CLI is no longer where this script expects it"
  (cd "$src" && GOFLAGS=-trimpath go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" \
    -o "$dir/tofu" ./cmd/tofu) >&2 || die "building $module failed (see above)"
  rm -rf "$src"
}

[[ $# -eq 1 ]] || die "usage: scripts/tool.sh NAME (terraform, terraform-actions, tofu, tofu-newest, golangci-lint, goreleaser, gremlins)"
name="$1"
module="$(module_of "$name")" || die "unknown tool '$name' (known: terraform, terraform-actions, tofu, tofu-newest, golangci-lint, goreleaser, gremlins)"
version="${module##*@}"
target="$TOOLS_DIR/$name@$version"

if [[ ! -x "$target" ]]; then
  command -v go >/dev/null || die "go is not on PATH; install Go (see go.mod for the version) first"
  echo "tool.sh: building $name $version once into $TOOLS_DIR (minutes for the CLIs; cached afterwards)..." >&2
  mkdir -p "$TOOLS_DIR"
  # A scratch GOBIN, so an interrupted build never leaves a half-written
  # binary under the final name; and outside this repository, so its go.mod
  # plays no part in resolving the tool's dependencies.
  scratch="$(mktemp -d "$TOOLS_DIR/.build.XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
  if [[ "$name" == terraform-actions ]]; then
    build_terraform_from_source "$module" "$scratch"
  elif [[ "$name" == tofu-newest ]]; then
    build_tofu_from_source "$module" "$scratch"
  else
    (cd "$scratch" && GOBIN="$scratch" GOFLAGS=-trimpath GO111MODULE=on go install "$module") >&2 ||
      die "go install $module failed (see above)"
  fi
  built=("$scratch"/*)
  [[ ${#built[@]} -eq 1 && -x "${built[0]}" ]] || die "go install $module left no single binary in $scratch"
  mv -f "${built[0]}" "$target"
fi
echo "$target"
