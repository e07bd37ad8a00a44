#!/usr/bin/env bash
# The benchmark of issue 4 (what `make bench` runs). Builds the provider, the
# do-nothing provider, the memory wrapper and the driver, then times real
# `terraform apply` runs against the Wix API simulator and prints the tables
# (Markdown) on stdout; progress goes to stderr. See BENCHMARKS.md.
#
# Usage:
#   scripts/bench.sh                 # everything (about 11 minutes on 2 cores)
#   scripts/bench.sh -skip-slow      # without the 5-minute batching-off run under the rate limit
#   scripts/bench.sh -only floor     # one section: floor, logs, limited, events, pacing, shared; or gc (an opt-in experiment)
#   scripts/bench.sh profile         # CPU/heap/mutex/block profiles of the provider during an apply of 1000
#
# Driver flags (after the optional "profile"): -sizes 200,1000 -rounds 5,3
# -log-rounds 7 -parallelism 10 -limited-n 1000 -skip-slow -only SECTION
# -env NAME=value,...
#
# Terraform comes from scripts/cli-path.sh: $TERRAFORM, else `terraform` on
# PATH, else the pinned version built once. No registry is needed: the
# providers are installed through dev_overrides in a CLI config the bench
# writes itself.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# $TERRAFORM, else terraform on PATH, else the pinned one built once.
terraform="$(scripts/cli-path.sh terraform)"
for tool in curl go; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/wix-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
plugins="$work/plugins"
mkdir -p "$plugins/real"

echo "bench: building into $work (terraform: $terraform)" >&2
# The provider exactly as released (main.go), and the floor.
go build -o "$plugins/real/terraform-provider-wix" .
go build -o "$plugins/real/terraform-provider-noop" ./bench/noop-provider
go build -o "$work/memwrap" ./bench/memwrap
go build -o "$work/driver" ./bench/driver
cp "$work/memwrap" "$plugins/terraform-provider-wix"
cp "$work/memwrap" "$plugins/terraform-provider-noop"

if [[ "${1:-}" == "profile" ]]; then
  shift
  # The same provider plus a CPU profile of each process's whole life.
  go build -o "$plugins/real/terraform-provider-wix" ./bench/pprof-provider
  out="${PPROF_DIR:-$repo/bench/profiles}"
  rm -rf "$out" && mkdir -p "$out"
  BENCH_PPROF_DIR="$out" "$work/driver" -terraform "$terraform" -plugins "$plugins" -work "$work" \
    -only profile -sizes 1000 "$@" | grep -v "^- \|^## \|^$" >&2
  cpu="$(ls -S "$out"/wix-*.cpu.pprof | head -1)"  # the apply process is the busiest
  echo "bench: profiles in $out; the apply's CPU profile is $cpu" >&2
  go tool pprof -top -nodecount=40 "$plugins/real/terraform-provider-wix" "$cpu"
  exit 0
fi

"$work/driver" -terraform "$terraform" -plugins "$plugins" -work "$work" "$@"
