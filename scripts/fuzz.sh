#!/usr/bin/env bash
# Run every fuzz target briefly, one after another (go test allows one
# -fuzz target per run). CI calls this; a crash fails the run and leaves the
# failing input in the package's testdata/fuzz/<Target>/ to commit as a
# regression case.
#
# Usage: scripts/fuzz.sh [fuzztime]      e.g. scripts/fuzz.sh 1m
#   FUZZTIME (default 10s) sets the time per target when no argument is given.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

fuzztime="${1:-${FUZZTIME:-10s}}"

# package:target, listed rather than discovered so that a renamed target is
# noticed here instead of silently no longer fuzzed.
targets=(
  ./internal/wix:FuzzDecodeAPIError
  ./internal/wix:FuzzParseRetryAfter
  ./internal/provider/events:FuzzParseImportID
  ./internal/provider/events:FuzzParseImportIDRoundTrip
  ./internal/provider/base:FuzzTriggerKeyValidation
  ./internal/provider/base:FuzzGUIDValidation
)

for entry in "${targets[@]}"; do
  pkg="${entry%%:*}"
  target="${entry##*:}"
  # Fail loudly if the target no longer exists: go test would pass with
  # "no fuzz tests to fuzz" otherwise.
  listed="$(go test -list "^${target}\$" "$pkg")"
  if ! grep -qx "$target" <<<"$listed"; then
    echo "fuzz.sh: no fuzz target $target in $pkg" >&2
    exit 1
  fi
  echo "==> $pkg $target ($fuzztime)"
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
done
