#!/usr/bin/env bash
# bench/smoke_test.sh — keeps a host benchmark from rotting: runs it at its smallest size and
# fails unless it exits 0, prints every expected figure line, and prints nothing that says a
# policy was rejected, a proof or compile failed, or a benchmark stopped with an error.
#
#   smoke_test.sh [--expect REGEX]... -- BENCHMARK [ARG]...
#
# Each --expect regex (grep -E) must match a line of the output (standard output and error).
set -uo pipefail

expects=()
while [ $# -gt 0 ]; do
  case "$1" in
    --expect) expects+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "smoke_test.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ $# -ge 1 ] || { echo "smoke_test.sh: no benchmark given" >&2; exit 2; }
[ ${#expects[@]} -ge 1 ] || { echo "smoke_test.sh: no --expect given" >&2; exit 2; }

output="$("$@" 2>&1)"
status=$?
failures=()
[ "$status" -eq 0 ] || failures+=("the benchmark exited with status $status")
for re in "${expects[@]}"; do
  grep -Eq -- "$re" <<<"$output" || failures+=("no line matches: $re")
done
# What the benchmarks print when a figure could not be taken (bench/*.cc; Google Benchmark's
# SkipWithError prints ERROR OCCURRED).
for re in "rejected" "could not" "not proven" "failed" "MISSED" "ERROR"; do
  grep -Eq -- "$re" <<<"$output" && failures+=("a line says: $re")
done

echo "$output"
if [ ${#failures[@]} -ne 0 ]; then
  printf 'FAIL: %s\n' "${failures[@]}"
  exit 1
fi
echo "PASS: every expected figure line (${#expects[@]}), nothing rejected or failed"
