# Sourced by the scripts (not run): what more than one of them needs.
# shellcheck shell=bash

# The repository root, whichever script sourced this.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# die MESSAGE prints MESSAGE to stderr after the name of the script that
# sourced this file, and exits 1.
die() {
  echo "${0##*/}: $*" >&2
  exit 1
}

# cli_path CLI NAME prints the path of the CLI (terraform or tofu) that
# scripts/cli-path.sh finds or builds, or dies naming the CLI as NAME.
cli_path() {
  "$repo_root/scripts/cli-path.sh" "$1" || die "no $2 CLI (see scripts/cli-path.sh)"
}

# Terraform warns on every command, and some versions fail, when
# TF_CLI_CONFIG_FILE names a missing file (some machines export one for
# everybody). Nothing here needs the user's CLI configuration, so such a
# setting is dropped; the Go tests' TestMain does the same for `go test`.
drop_missing_cli_config() {
  if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "$TF_CLI_CONFIG_FILE" ]]; then
    unset TF_CLI_CONFIG_FILE
  fi
}

# write_dev_overrides FILE DIR writes a CLI configuration that makes
# Terraform and OpenTofu use the terraform-provider-wix binary in DIR
# instead of a registry release, with no `init`. The simulator command
# writes it (internal/cliconfig), as it does for `make sim` and the
# benchmarks: one writer.
write_dev_overrides() {
  # Absolute first: the command runs from the repository root.
  local file dir
  file="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  dir="$(cd "$2" && pwd)"
  (cd "$repo_root" && go run ./cmd/wixsim -cli-config "$file" -provider-dir "$dir")
}

# cli_name_version CLI prints the first line of `CLI version`, such as
# "Terraform v1.11.4" or "OpenTofu v1.6.3", and nothing (with status 0) when
# CLI does not run: callers say what is wrong, which under pipefail a failed
# pipeline would not let them do.
cli_name_version() {
  { "$1" version 2>/dev/null || true; } | sed -n 1p
}

# start_simulator WORK [WIXSIM_FLAG...] builds the Wix API simulator into
# WORK and starts it on a loopback port, with WIXSIM_FLAGs, then exports its
# WIX_* variables and a dev_overrides CLI configuration for the provider
# binary in WORK/bin (TF_CLI_CONFIG_FILE). sim_pid is its process;
# stop_simulator stops it, which is when a simulator given -state writes it.
sim_pid=""
start_simulator() {
  local work="$1"
  shift
  (cd "$repo_root" && go build -o "$work/wixsim" ./cmd/wixsim)
  "$work/wixsim" -addr 127.0.0.1:0 -env-file "$work/wix.env" "$@" &
  sim_pid=$!
  for _ in $(seq 100); do [[ -s "$work/wix.env" ]] && break; sleep 0.1; done
  [[ -s "$work/wix.env" ]] || die "the simulator did not start"
  set -a
  # shellcheck disable=SC1091
  source "$work/wix.env"
  set +a
  # The simulator binary just built writes the CLI configuration (as
  # write_dev_overrides would, without building it a second time).
  "$work/wixsim" -cli-config "$work/cli-config" -provider-dir "$work/bin"
  export TF_CLI_CONFIG_FILE="$work/cli-config" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
}

# stop_simulator stops the simulator start_simulator started, if it runs.
stop_simulator() {
  [[ -n "$sim_pid" ]] || return 0
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  sim_pid=""
}
