#!/usr/bin/env bash
# Checks commit subjects against the rule in docs/contributing.md#commits: at most 72 characters,
# `<area>: <what the change does>`. The rule holds from the commit that added this script on, so
# the history written before it is left as it is. Merge commits are not checked: git writes their
# subjects.
#   bash scripts/check-commit-subjects.sh            every non-merge commit after the one that
#                                                    added this script, up to HEAD (CI runs this)
#   bash scripts/check-commit-subjects.sh --stdin    one subject a line on stdin (the rule's test)
# Prints each subject that breaks the rule with its reason, and exits 1 if any does.
set -euo pipefail
cd "$(dirname "$0")/.."
# Lengths in characters, not bytes (a subject may hold `–` or `×`).
export LC_ALL=C.UTF-8

MAX=72
# An area: lowercase words, digits, `.`, `_`, `/` and `-`; several joined by `, ` (`delivery, api`).
AREA='[a-z0-9._/-]+(, ?[a-z0-9._/-]+)*'

# Why `$1` breaks the rule, or nothing when it keeps it.
subject_problem() {
  local subject=$1
  if ((${#subject} > MAX)); then
    echo "longer than $MAX characters (${#subject})"
  elif ! [[ $subject =~ ^$AREA:\ [^[:space:]] ]]; then
    echo "not '<area>: <text>' (area in lowercase, e.g. 'worker: register jobs in one table')"
  fi
}

bad=0
report() {
  local problem
  problem=$(subject_problem "$2")
  if [[ -n $problem ]]; then
    echo "${1:+$1 }$2"$'\n'"  -> $problem"
    bad=1
  fi
}

if [[ ${1:-} == --stdin ]]; then
  while IFS= read -r subject; do report '' "$subject"; done
else
  if [[ $(git rev-parse --is-shallow-repository) == true ]]; then
    echo "check-commit-subjects: a shallow clone: fetch the whole history (git fetch --unshallow)" >&2
    exit 2
  fi
  # The oldest commit that added this script: found again after a rebase, kept through a merge.
  since=$(git log --diff-filter=A --format=%H -- scripts/check-commit-subjects.sh | tail -n 1)
  if [[ -z $since ]]; then
    echo "check-commit-subjects: this script is not committed yet: nothing to check"
    exit 0
  fi
  while IFS=$'\t' read -r hash subject; do
    report "${hash:0:12}" "$subject"
  done < <(git log --no-merges --format=$'%H\t%s' "$since..HEAD")
fi
if ((bad)); then
  echo "check-commit-subjects: see docs/contributing.md#commits" >&2
  exit 1
fi
