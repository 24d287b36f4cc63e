#!/usr/bin/env bash
# policy/testdata/update_golden.sh — regenerate the golden outputs of the rejected-policy corpus.
#
#   policy/testdata/update_golden.sh PATH/TO/septum
#
# For every policy/testdata/rejected/NNN_name.policy, runs
#   septum check policy/testdata/rejected/NNN_name.policy
# from the repository root (so the paths printed in diagnostics are stable) and writes its
# standard output to NNN_name.expected. Fails if a policy is accepted, or if the checker exits
# with anything but 1 (rejected): a crash, a hang (killed after 10 s) or a usage/I/O error.
# E0002 (a file over 16 MiB) is not kept in the corpus; tests/cli/cli_test.sh checks it.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 PATH/TO/septum" >&2
  exit 2
fi
if [[ "$1" == */* ]]; then
  septum="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
else
  septum="$(command -v "$1" || true)"
fi
if [[ -z "$septum" || ! -x "$septum" ]]; then
  echo "$0: $1 is not an executable" >&2
  exit 2
fi

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$script_dir/../.." && pwd)"
cd "$root"

corpus=policy/testdata/rejected
shopt -s nullglob
policies=("$corpus"/*.policy)
if [[ ${#policies[@]} -eq 0 ]]; then
  echo "$0: no policies in $corpus" >&2
  exit 1
fi

failed=0
for policy in "${policies[@]}"; do
  expected="${policy%.policy}.expected"
  status=0
  # Proof times vary from run to run: the goldens hold N.NNN (tests/cli/golden_test.sh does the same).
  timeout 60 "$septum" check "$policy" >"$expected.raw" || status=$?
  sed -E 's/ [0-9]+\.[0-9]{3} s / N.NNN s /' "$expected.raw" >"$expected.tmp"
  rm -f "$expected.raw"
  if [[ $status -ne 1 ]]; then
    case $status in
      0) why="accepted" ;;
      124) why="timed out after 60 s" ;;
      *) why="exit status $status" ;;
    esac
    echo "FAIL $policy: $why (want 1, rejected)" >&2
    rm -f "$expected.tmp"
    failed=1
    continue
  fi
  mv "$expected.tmp" "$expected"
done

# Orphaned goldens (a policy was renamed or removed).
for expected in "$corpus"/*.expected; do
  if [[ ! -e "${expected%.expected}.policy" ]]; then
    echo "FAIL $expected: no matching .policy" >&2
    failed=1
  fi
done

if [[ $failed -ne 0 ]]; then
  exit 1
fi
echo "updated ${#policies[@]} golden files in $corpus"
