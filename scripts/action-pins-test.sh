#!/usr/bin/env bash
# The test of scripts/action-pins.sh (make lint runs it): `check` passes
# pinned workflows and fails each unpinned spelling, and `verify` passes a
# SHA that its tag names and fails a SHA that its tag does not name, against
# a git repository made here (no network).
set -euo pipefail

pins="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/action-pins.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0 passed=0

# expect STATUS OUTPUT_PATTERN NAME -- COMMAND...: COMMAND exits with
# STATUS and prints (stdout and stderr) a line matching OUTPUT_PATTERN.
expect() {
  local want="$1" pattern="$2" name="$3" got=0 out
  shift 4
  out="$("$@" 2>&1)" || got=$?
  if [[ "$got" -ne "$want" ]] || ! grep -Eq -- "$pattern" <<<"$out"; then
    echo "FAIL: $name: want exit $want and /$pattern/, got exit $got:" >&2
    sed 's/^/    /' <<<"$out" >&2
    failures=$((failures + 1))
  else
    passed=$((passed + 1))
  fi
}

# workflow NAME LINE... writes a workflow whose steps are the LINEs.
workflow() {
  local file="$tmp/$1"
  shift
  printf 'jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n' >"$file"
  printf '%s\n' "$@" >>"$file"
  echo "$file"
}

sha=0123456789abcdef0123456789abcdef01234567

good="$(workflow good.yml \
  "      # uses: comments are not steps" \
  "      - uses: actions/checkout@$sha # v6.1.0" \
  "      - name: quoted, with a path" \
  "        uses: 'github/codeql-action/init@$sha' # v3.29.0" \
  "      - uses: ./.github/actions/local")"
expect 0 'all 3 uses: lines pinned' "pinned workflow" -- "$pins" check "$good"

expect 1 'release.yml:5: actions/checkout@v6 is not pinned' "a tag" -- \
  "$pins" check "$(workflow release.yml "      - uses: actions/checkout@v6")"
expect 1 'is not pinned' "a tag with a version comment" -- \
  "$pins" check "$(workflow tagcomment.yml "      - uses: actions/checkout@v6 # v6.1.0")"
expect 1 'is not pinned' "a short SHA" -- \
  "$pins" check "$(workflow short.yml "      - uses: actions/checkout@0123456 # v6.1.0")"
expect 1 'is not pinned' "a branch" -- \
  "$pins" check "$(workflow branch.yml "      - uses: \"actions/checkout@main\"")"
expect 1 'is not pinned' "no ref" -- \
  "$pins" check "$(workflow noref.yml "      - uses: actions/checkout")"
expect 1 "has no '# vX.Y.Z' comment" "a SHA without its version" -- \
  "$pins" check "$(workflow nocomment.yml "      - uses: actions/checkout@$sha")"
expect 2 'cannot read this uses: line' "a flow mapping" -- \
  "$pins" check "$(workflow flow.yml "      - { uses: actions/checkout@v6 }")"
expect 1 '1 of 4 uses: lines failed' "one bad line among good ones" -- \
  "$pins" check "$good" "$(workflow mixed.yml "      - uses: actions/setup-go@v6")"

# verify: a repository acme/act whose v1.0.0 is an annotated tag of the
# first commit and v1.1.0 a lightweight tag of the second.
repo="$tmp/remote/acme/act"
git init -q "$repo"
git -C "$repo" -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m one
git -C "$repo" -c user.name=t -c user.email=t@example.invalid tag -a -m v1.0.0 v1.0.0
first="$(git -C "$repo" rev-parse HEAD)"
git -C "$repo" -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m two
git -C "$repo" tag v1.1.0
second="$(git -C "$repo" rev-parse HEAD)"
export ACTION_PINS_REMOTE="$tmp/remote"

expect 0 'act v1.0.0 = '"$first" "an annotated tag's commit" -- \
  "$pins" verify "$(workflow v1.yml "      - uses: acme/act@$first # v1.0.0")"
expect 0 'act v1.1.0 = '"$second" "a lightweight tag's commit" -- \
  "$pins" verify "$(workflow v11.yml "      - uses: acme/act@$second # v1.1.0")"
expect 1 "says v1.0.0, but v1.0.0 is $first" "a SHA its tag does not name" -- \
  "$pins" verify "$(workflow moved.yml "      - uses: acme/act@$second # v1.0.0")"
expect 1 'has no tag v9.9.9' "a tag that does not exist" -- \
  "$pins" verify "$(workflow notag.yml "      - uses: acme/act@$first # v9.9.9")"
expect 1 'could not list the tags of acme/gone' "a repository that does not exist" -- \
  "$pins" verify "$(workflow gone.yml "      - uses: acme/gone@$first # v1.0.0")"
expect 1 'is not pinned' "verify also fails an unpinned line" -- \
  "$pins" verify "$(workflow vtag.yml "      - uses: acme/act@v1.0.0")"

echo "action-pins-test: $passed passed, $failures failed"
[[ "$failures" -eq 0 ]]
