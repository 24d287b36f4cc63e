#!/usr/bin/env bash
# test.sh — installs what is missing, runs the whole test suite, and counts the results.
#
#   bash tools/test.sh [BAZEL_TEST_ARGS...]      (default target pattern: //...)
#
# Ends with the line "N passed, N failed", counted from Bazel's per-target results (a target
# that failed, timed out, failed to build or got no status counts as failed). Exits non-zero if
# anything failed, or if Bazel failed without naming a failing target (then counted as 1 failed).
set -uo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(//...)

log="$(mktemp "${TMPDIR:-/tmp}/septum-test.XXXXXX")"
trap 'rm -f "$log"' EXIT
bazel test --keep_going "${targets[@]}" 2>&1 | tee "$log"
bazel_status=${PIPESTATUS[0]}

# Bazel's summary: one line per test target, "//pkg:name  [(cached)] STATUS [in T]".
summary="$(grep -E '^//[^ ]+ +' "$log")"
passed=$(grep -cE '^//[^ ]+ +(\(cached\) +)?PASSED' <<<"$summary")
failed=$(grep -cE '^//[^ ]+ +(\(cached\) +)?(FAILED|TIMEOUT|NO STATUS|INCOMPLETE|FLAKY|REMOTE FAILURE|FAILED TO BUILD)' <<<"$summary")

if [ "$bazel_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: bazel test exited with status $bazel_status without a failing test target (build or analysis error, or no tests): counted as 1 failed"
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$bazel_status" -eq 0 ]
