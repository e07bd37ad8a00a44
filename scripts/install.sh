#!/usr/bin/env bash
# make install: builds the provider and puts it where Terraform's and
# OpenTofu's implied local mirror looks, under the version of the next
# release (the first heading of CHANGELOG.md), so that `terraform init`
# finds wix-terraform/wix without a registry: the lock file and other
# providers then work as usual. (dev_overrides, the other way, skips init
# for this provider altogether; README.md says when to use which.)
#
# Usage: scripts/install.sh
#   PLUGIN_DIR  the mirror to install into (default ~/.terraform.d/plugins,
#               which Terraform and OpenTofu both read on Linux and macOS)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_root"

version="$(sed -n 's/^## \([0-9][0-9.]*\) .*/\1/p' CHANGELOG.md | head -n 1)"
[[ -n "$version" ]] || die "no version heading (## X.Y.Z ...) in CHANGELOG.md"
platform="$(go env GOOS)_$(go env GOARCH)"
plugin_dir="${PLUGIN_DIR:-$HOME/.terraform.d/plugins}"
binary="terraform-provider-wix_v$version"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -trimpath -ldflags "-X main.version=$version" -o "$work/$binary" .

# Terraform resolves source = "wix-terraform/wix" on registry.terraform.io,
# OpenTofu on registry.opentofu.org: one copy under each.
for host in registry.terraform.io registry.opentofu.org; do
  dir="$plugin_dir/$host/wix-terraform/wix/$version/$platform"
  mkdir -p "$dir"
  install -m 0755 "$work/$binary" "$dir/$binary"
  echo "installed $dir/$binary"
done

cat <<EOT

terraform init (or tofu init) now finds wix-terraform/wix $version in $plugin_dir,
beside the other providers of your configuration, with a version constraint such
as version = "~> ${version%.*}". A dev_overrides entry for wix-terraform/wix in
your CLI configuration would take precedence over it: remove that entry to use
the installed build.
EOT
