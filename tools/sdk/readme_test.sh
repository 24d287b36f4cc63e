#!/usr/bin/env bash
# tools/sdk/readme_test.sh — keeps the guest SDK's README true to its example: every file given
# (example/hello.cc, example/hello.policy, example/BUILD.bazel without its leading comment lines)
# must be one of README.md's fenced blocks, byte for byte, so the guide shows what the suite
# builds and boots.
#
#   readme_test.sh README.md FILE...
set -euo pipefail
readme="$1"
shift
dir="${TEST_TMPDIR:-$(mktemp -d)}"
# Each fenced block of the README into its own file: block.1, block.2, ...
awk -v dir="$dir" '
  /^```/ { if (open) { open = 0; close(f) } else { open = 1; f = dir "/block." ++n; printf "" > f }; next }
  open { print > f }
' "$readme"
status=0
for file in "$@"; do
  case "$file" in
    *BUILD.bazel) sed '1,/^[^#]/{/^#/d}' "$file" > "$dir/want" ;;  # its banner is not shown
    *) cp "$file" "$dir/want" ;;
  esac
  found=0
  for block in "$dir"/block.*; do
    if cmp -s "$block" "$dir/want"; then found=1; fi
  done
  if [ "$found" = 1 ]; then
    echo "ok: $file is shown whole in $readme"
  else
    echo "FAIL: $readme has no fenced block equal to $file:"
    cat "$dir/want"
    status=1
  fi
done
exit "$status"
