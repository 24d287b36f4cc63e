#!/usr/bin/env bash
# dump_golden_test.sh SEPTUM MAKE_TEST_IMAGES GOLDEN_DIR POLICY... — golden `septum dump`s.
#
# Each example X.policy is compiled with --no-images and its dump must equal GOLDEN_DIR/X.dump;
# the demo is also compiled with test images (tools/compiler/testing) written next to a copy
# of it, and must equal GOLDEN_DIR/demo-with-images.dump. With UPDATE=1 the goldens are
# rewritten instead (tests/cli/update_dumps.sh does that from the workspace).
set -uo pipefail
septum="$1"
make_images="$2"
golden="$3"
shift 3
tmp="${TEST_TMPDIR:-/tmp}/dumps"
mkdir -p "$tmp"
failed=0
count=0
check() {  # check NAME BLOB
  local name="$1" blob="$2"
  count=$((count + 1))
  if [ "${UPDATE:-0}" = 1 ]; then
    "$septum" dump "$blob" > "$golden/$name.dump" || failed=$((failed + 1))
  elif ! diff -u "$golden/$name.dump" <("$septum" dump "$blob") > "$tmp/diff.txt"; then
    echo "FAIL: septum dump of $name differs from $golden/$name.dump:"
    head -40 "$tmp/diff.txt"
    failed=$((failed + 1))
  fi
}
for policy in "$@"; do
  name="$(basename "${policy%.policy}")"
  if ! "$septum" compile --no-images "$policy" -o "$tmp/$name.bin" > "$tmp/$name.log"; then
    echo "FAIL: $policy does not compile:"
    cat "$tmp/$name.log"
    failed=$((failed + 1))
    continue
  fi
  check "$name" "$tmp/$name.bin"
  if [ "$name" = demo ]; then
    mkdir -p "$tmp/with-images"
    cp "$policy" "$tmp/with-images/demo.policy"
    "$make_images" "$tmp/with-images/demo.policy" || { echo "FAIL: make_test_images"; failed=$((failed + 1)); continue; }
    if ! "$septum" compile "$tmp/with-images/demo.policy" -o "$tmp/demo-with-images.bin" > "$tmp/with-images.log"; then
      echo "FAIL: the demo with test images does not compile:"
      cat "$tmp/with-images.log"
      failed=$((failed + 1))
      continue
    fi
    check demo-with-images "$tmp/demo-with-images.bin"
  fi
done
echo "$count dumps, $failed failed"
[ "$count" -gt 0 ] && [ "$failed" -eq 0 ]
