#!/usr/bin/env bash
# examples_test.sh SEPTUM POLICY... — every example is accepted, without warnings, and its
# model dump and JSON report are well formed.
set -uo pipefail
septum="$1"
shift
failed=0
for policy in "$@"; do
  out="$("$septum" check --print-model "$policy")"
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "FAIL: $policy rejected (status $status):"
    echo "$out"
    failed=$((failed + 1))
    continue
  fi
  if grep -q "warning\[" <<<"$out"; then
    echo "FAIL: $policy has warnings:"
    echo "$out"
    failed=$((failed + 1))
  fi
  if ! "$septum" check --format=json "$policy" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["accepted"] and d["errors"] == 0 and d["summary"]["domains"] > 0'; then
    echo "FAIL: $policy: JSON report malformed or not accepted"
    failed=$((failed + 1))
  fi
  echo "ok: $(tail -n 1 <<<"$out")"
done
[ "$failed" -eq 0 ]
