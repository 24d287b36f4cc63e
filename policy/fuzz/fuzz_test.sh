#!/usr/bin/env bash
# fuzz_test.sh FUZZER SECONDS SEED_FILES... — a bounded fuzz run of the policy front end.
# Copies the seeds into a fresh corpus, runs libFuzzer for SECONDS, and fails on any crash,
# sanitizer report, timeout (10 s per input) or memory blow-up (2 GiB).
set -uo pipefail
fuzzer="$1"
seconds="$2"
shift 2
corpus="${TEST_TMPDIR:-/tmp}/corpus"
artifacts="${TEST_TMPDIR:-/tmp}/artifacts/"
mkdir -p "$corpus" "$artifacts"
for f in "$@"; do
  case "$f" in *.policy) cp "$f" "$corpus/$(basename "$f")" ;; esac
done
echo "fuzz: $(ls "$corpus" | wc -l) seed inputs, ${seconds}s"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" 2>&1 | tail -n 40
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "FAIL: the fuzzer found a failing input (status $status):"
  ls -la "$artifacts"
  exit 1
fi
echo "PASS: no failure in ${seconds}s"
