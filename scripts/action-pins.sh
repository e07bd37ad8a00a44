#!/usr/bin/env bash
# Every action a workflow runs is pinned to a full commit SHA, with the
# version tag it was taken from in a comment:
#
#   - uses: actions/checkout@<40 hex digits> # v6.1.0
#
# A tag can be moved to other code by whoever controls the action's
# repository; a commit SHA cannot, and the release job holds the signing key.
# Dependabot (.github/dependabot.yml) keeps the SHAs and their comments
# current.
#
#   scripts/action-pins.sh check  [FILE...]  every `uses:` line has a 40-hex SHA and a
#                                            version comment (make lint; no network)
#   scripts/action-pins.sh verify [FILE...]  each SHA is the commit its comment's tag
#                                            names today (git ls-remote; the GitHub job)
#
# FILE defaults to .github/workflows/*.yml and *.yaml. Local actions (./path)
# need no pin. ACTION_PINS_REMOTE (default https://github.com) is where
# verify looks the tags up; the test (scripts/action-pins-test.sh) points it
# to local repositories.
set -euo pipefail

die() {
  echo "action-pins.sh: $*" >&2
  exit 2
}

# A `uses:` line: optional list dash, optional quotes, optional comment.
line_re="^[[:space:]]*(-[[:space:]]+)?uses:[[:space:]]*[\"']?([^\"'[:space:]#]+)[\"']?[[:space:]]*(#[[:space:]]*(.*))?$"
pinned_re='^([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)(/[^@]*)?@([0-9a-f]{40})$'
version_re='^(v[0-9]+(\.[0-9]+)*)([[:space:]]|$)'

# each_use FILE... prints "FILE:LINE<TAB>REF<TAB>COMMENT" for every uses:
# line, and fails naming a line that mentions uses: in a form it cannot read
# (so that no spelling slips past the check).
each_use() {
  local file n line
  for file in "$@"; do
    n=0
    while IFS= read -r line || [[ -n "$line" ]]; do
      n=$((n + 1))
      [[ "$line" =~ ^[[:space:]]*# ]] && continue
      [[ "$line" == *uses:* ]] || continue
      [[ "$line" =~ $line_re ]] ||
        die "$file:$n: cannot read this uses: line; write it as 'uses: owner/repo@<sha> # vX.Y.Z': $line"
      printf '%s:%s\t%s\t%s\n' "$file" "$n" "${BASH_REMATCH[2]}" "${BASH_REMATCH[4]}"
    done <"$file"
  done
}

# check_pin WHERE REF COMMENT says what is wrong with one uses: line, if
# anything, and fails then.
check_pin() {
  local where="$1" ref="$2" comment="$3"
  [[ "$ref" == ./* ]] && return 0
  if [[ ! "$ref" =~ $pinned_re ]]; then
    echo "$where: $ref is not pinned to a full 40-hex commit SHA (a tag or branch can be moved); write owner/repo@<sha> # vX.Y.Z" >&2
    return 1
  fi
  if [[ ! "$comment" =~ $version_re ]]; then
    echo "$where: $ref has no '# vX.Y.Z' comment naming the tag its SHA was taken from (Dependabot and the verify job need it)" >&2
    return 1
  fi
}

# verify_pin WHERE REF COMMENT fails unless the tag in COMMENT names the
# commit REF is pinned to (the commit an annotated tag points at).
# The pins verified so far, one a line (no associative array: macOS has bash 3.2).
verified=$'\n'
verify_pin() {
  local where="$1" ref="$2" comment="$3" owner repo sha tag refs tagged
  [[ "$ref" == ./* ]] && return 0
  # One look-up per pin, however many jobs use it.
  [[ "$verified" != *$'\n'"$ref $comment"$'\n'* ]] || return 0
  [[ "$ref" =~ $pinned_re ]] || { check_pin "$@"; return 1; }
  owner="${BASH_REMATCH[1]}" repo="${BASH_REMATCH[2]}" sha="${BASH_REMATCH[4]}"
  [[ "$comment" =~ $version_re ]] || { check_pin "$@"; return 1; }
  tag="${BASH_REMATCH[1]}"
  refs="$(git ls-remote "${ACTION_PINS_REMOTE:-https://github.com}/$owner/$repo" "refs/tags/$tag" "refs/tags/$tag^{}")" || {
    echo "$where: could not list the tags of $owner/$repo" >&2
    return 1
  }
  # The peeled line (^{}) of an annotated tag names the commit; a
  # lightweight tag has only the first.
  tagged="$(awk -v t="refs/tags/$tag" '$2 == t "^{}" { peeled = $1 } $2 == t { plain = $1 }
    END { print (peeled != "" ? peeled : plain) }' <<<"$refs")"
  if [[ -z "$tagged" ]]; then
    echo "$where: $owner/$repo has no tag $tag" >&2
    return 1
  fi
  if [[ "$tagged" != "$sha" ]]; then
    echo "$where: $owner/$repo@$sha says $tag, but $tag is $tagged" >&2
    return 1
  fi
  verified+="$ref $comment"$'\n'
  echo "$where: $owner/$repo $tag = $sha"
}

[[ $# -ge 1 ]] || die "usage: scripts/action-pins.sh check|verify [FILE...]"
mode="$1"
shift
case "$mode" in
  check) each="check_pin" ;;
  verify) each="verify_pin" ;;
  *) die "unknown mode '$mode' (want check or verify)" ;;
esac
if [[ $# -eq 0 ]]; then
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  shopt -s nullglob
  set -- .github/workflows/*.yml .github/workflows/*.yaml
  [[ $# -gt 0 ]] || die "no workflow files under .github/workflows"
fi

uses="$(each_use "$@")"
failed=0 count=0
while IFS=$'\t' read -r where ref comment; do
  [[ -n "$where" ]] || continue
  count=$((count + 1))
  "$each" "$where" "$ref" "$comment" || failed=$((failed + 1))
done <<<"$uses"
if [[ $failed -gt 0 ]]; then
  echo "action-pins.sh $mode: $failed of $count uses: lines failed" >&2
  exit 1
fi
echo "action-pins.sh $mode: all $count uses: lines pinned$([[ $mode == verify ]] && echo ' and matching their tags')"
