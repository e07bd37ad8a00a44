#!/usr/bin/env bash
# make snippets-check: every ```hcl and ```terraform block in README.md,
# templates/ and docs/ must pass `terraform validate` against the provider
# built from this tree, so that what users copy from the docs works.
#
# Usage: scripts/snippets-check.sh
#
# Each snippet is written alone into its own directory and validated with a
# dev_overrides CLI configuration (no init, no registry). Snippets leave out
# the `terraform { required_providers }` block, as docs do; the check adds it
# when a snippet has none. Identical snippets (docs/ repeats templates/) are
# validated once. A snippet whose first block is `list` is a query: it goes
# into main.tfquery.hcl, the only file where Terraform accepts `list`
# blocks, and is checked with `terraform validate -query`.
#
# Skipped, each with its reason printed:
#   - a snippet marked as a fragment on purpose: the last non-blank line
#     before its opening fence is <!-- snippet: fragment --> (optionally
#     <!-- snippet: fragment: why -->);
#   - a snippet that needs a newer CLI than the one found by
#     scripts/cli-path.sh: `action`/`list` blocks (Terraform 1.14+, not
#     OpenTofu), `ephemeral` blocks (Terraform 1.10+, OpenTofu 1.11+),
#     an `import` block with `for_each` (Terraform 1.7+).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_root"

cli="$(scripts/cli-path.sh terraform)"
cli_version="$(cli_name_version "$cli")"
# "Terraform v1.11.4" -> kind Terraform, version 1.11.4.
cli_kind="${cli_version%% *}"
cli_semver="${cli_version##* v}"

work="$(mktemp -d "${TMPDIR:-/tmp}/wix-snippets.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "==> Building the provider for validation (CLI: $cli_version)"
go build -o "$work/bin/terraform-provider-wix" .
write_dev_overrides "$work/cli-config" "$work/bin"
export TF_CLI_CONFIG_FILE="$work/cli-config" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# Extract: each snippet becomes $work/snippets/NNNN/{main.tf,source,fragment}.
mapfile -t sources < <(ls README.md; find templates -name '*.tmpl' | sort; find docs -name '*.md' | sort)
awk -v out="$work/snippets" '
  FNR == 1 { prev = "" }
  !inside && /^[[:space:]]*```(hcl|terraform)[[:space:]]*$/ {
    inside = 1
    n++
    dir = sprintf("%s/%04d", out, n)
    system("mkdir -p " dir)
    print FILENAME ":" FNR > (dir "/source")
    close(dir "/source")
    if (prev ~ /^<!-- snippet: fragment/) { print prev > (dir "/fragment"); close(dir "/fragment") }
    next
  }
  inside && /^[[:space:]]*```[[:space:]]*$/ { inside = 0; close(dir "/main.tf"); prev = ""; next }
  inside { print > (dir "/main.tf"); next }
  NF { prev = $0 }
' "${sources[@]}"

# A `list` block is valid only in a *.tfquery.hcl file: a query snippet
# (first block `list`) is renamed so that `validate -query` reads it.
for file in "$work"/snippets/*/main.tf; do
  if grep -Ev '^[[:space:]]*(#.*)?$' "$file" | head -n 1 | grep -Eq '^[[:space:]]*list[[:space:]]+"'; then
    mv "$file" "${file%.tf}.tfquery.hcl"
  fi
done

# version_at_least A B: is dotted version A >= B?
version_at_least() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" == "$2" ]]
}

# needs_newer_cli FILE prints why the CLI cannot validate FILE, or nothing.
needs_newer_cli() {
  local file="$1"
  if grep -Eq '^[[:space:]]*(action|list)[[:space:]]+"|action_trigger' "$file"; then
    if [[ "$cli_kind" != Terraform ]] || ! version_at_least "$cli_semver" 1.14.0; then
      echo "uses an action or list block, which needs Terraform 1.14+ (this is $cli_version)"
      return
    fi
  fi
  if grep -Eq '^[[:space:]]*ephemeral[[:space:]]+"' "$file"; then
    local min=1.10.0
    [[ "$cli_kind" == OpenTofu ]] && min=1.11.0
    if ! version_at_least "$cli_semver" "$min"; then
      echo "uses an ephemeral block, which needs $cli_kind ${min%.0}+ (this is $cli_version)"
      return
    fi
  fi
  # for_each inside an import block (brace depth tracked from "import {").
  if awk '/^[[:space:]]*import[[:space:]]*\{/ { d = 1; next }
          d > 0 { if ($0 ~ /^[[:space:]]*for_each[[:space:]]*=/ && d == 1) found = 1
                  d += gsub(/\{/, "{") - gsub(/\}/, "}") }
          END { exit !found }' "$file" && ! version_at_least "$cli_semver" 1.7.0; then
    echo "uses import with for_each, which needs $cli_kind 1.7+ (this is $cli_version)"
  fi
}

validated=0 skipped=0 duplicates=0 failed=0
declare -A seen
for dir in "$work"/snippets/*/; do
  source_at="$(cat "$dir/source")"
  if [[ -f "$dir/fragment" ]]; then
    echo "skip  $source_at: marked as a fragment ($(sed 's/^<!-- snippet: fragment:\{0,1\} *//; s/ *-->$//' "$dir/fragment" | sed 's/^$/no reason given/'))"
    skipped=$((skipped + 1))
    continue
  fi
  file="$dir/main.tf" validate_args=()
  if [[ -f "$dir/main.tfquery.hcl" ]]; then
    file="$dir/main.tfquery.hcl" validate_args=(-query)
  fi
  [[ -s "$file" ]] || { echo "FAIL  $source_at: empty snippet"; failed=$((failed + 1)); continue; }
  sum="$(sha256sum <"$file" | cut -c1-16)"
  if [[ -n "${seen[$sum]:-}" ]]; then
    duplicates=$((duplicates + 1))
    continue
  fi
  seen[$sum]="$source_at"
  if reason="$(needs_newer_cli "$file")" && [[ -n "$reason" ]]; then
    echo "skip  $source_at: $reason"
    skipped=$((skipped + 1))
    continue
  fi
  if ! grep -q 'required_providers' "$file"; then
    printf 'terraform {\n  required_providers {\n    wix = {\n      source = "wix-terraform/wix"\n    }\n  }\n}\n' >"$dir/providers.tf"
  fi
  if output="$(cd "$dir" && "$cli" validate -no-color "${validate_args[@]}" 2>&1)"; then
    echo "ok    $source_at"
    validated=$((validated + 1))
  else
    echo "FAIL  $source_at:"
    sed -n '/^Error/,$p' <<<"$output" | sed 's/^/      /'
    failed=$((failed + 1))
  fi
done

echo "snippets-check: $validated validated, $skipped skipped, $duplicates duplicates of a validated snippet, $failed failed ($cli_version)"
if [[ $failed -gt 0 ]]; then
  echo "snippets-check: fix the failing snippets (or mark a deliberate fragment with <!-- snippet: fragment: why --> on the line before its fence)." >&2
  exit 1
fi
