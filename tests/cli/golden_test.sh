#!/usr/bin/env bash
# golden_test.sh SEPTUM POLICY... — every rejected policy gives exactly its golden diagnostics.
#
# For each X.policy: `septum check X.policy` must exit 1 and print exactly X.expected (next to
# it). Paths are as Bazel lays them out (relative to the workspace root), which is also how
# policy/testdata/update_golden.sh produces the goldens. Proof times are normalized to N.NNN.
# Prints a diff for every mismatch.
set -uo pipefail
septum="$1"
shift
failed=0
count=0
for policy in "$@"; do
  case "$policy" in *.policy) ;; *) continue ;; esac
  count=$((count + 1))
  expected="${policy%.policy}.expected"
  if [ ! -f "$expected" ]; then
    echo "FAIL: $policy has no golden file $expected"
    failed=$((failed + 1))
    continue
  fi
  # Proof times vary from run to run: they are compared as N.NNN.
  actual="$(timeout 60 "$septum" check "$policy" | sed -E 's/ [0-9]+\.[0-9]{3} s / N.NNN s /')"
  status=${PIPESTATUS[0]}
  if [ "$status" -ne 1 ]; then
    echo "FAIL: $policy: exit status $status, expected 1 (rejected)"
    failed=$((failed + 1))
  fi
  if ! diff -u "$expected" <(printf '%s\n' "$actual") > "${TEST_TMPDIR:-/tmp}/diff.txt"; then
    echo "FAIL: $policy: output differs from $expected:"
    cat "${TEST_TMPDIR:-/tmp}/diff.txt"
    failed=$((failed + 1))
  fi
done
echo "$count rejected policies, $failed failed"
[ "$count" -gt 0 ] && [ "$failed" -eq 0 ]
