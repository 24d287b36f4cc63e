#!/usr/bin/env bash
# cli_test.sh SEPTUM DEMO — exit statuses and help texts of the septum command line.
# (The golden dumps of the compiled examples are dump_golden_test.sh.)
set -uo pipefail
septum="$1"
demo="$2"
failed=0
expect() {  # expect STATUS PATTERN -- COMMAND...
  local want="$1" pattern="$2"
  shift 3
  local out status
  out="$("$@" 2>&1)"
  status=$?
  if [ "$status" -ne "$want" ] || ! grep -Eq -- "$pattern" <<<"$out"; then
    echo "FAIL: \`$*\`: status $status (want $want), output:"
    echo "$out" | head -20
    echo "(wanted a line matching: $pattern)"
    failed=$((failed + 1))
  else
    echo "ok: \`$*\` -> $status"
  fi
}
tmp="${TEST_TMPDIR:-/tmp}"
expect 0 "^  septum check" -- "$septum" --help
expect 0 "--print-model" -- "$septum" check --help
expect 0 "^septum [0-9]" -- "$septum" --version
expect 2 "septum check" -- "$septum"
expect 2 "unknown command .frobnicate." -- "$septum" frobnicate
expect 2 "missing FILE.policy" -- "$septum" check
expect 2 "unknown option .--bogus." -- "$septum" check --bogus "$demo"
expect 2 "unknown format .xml." -- "$septum" check --format=xml "$demo"
expect 2 "give one policy file" -- "$septum" check "$demo" "$demo"
expect 2 "cannot read .*/missing.policy.*No such file" -- "$septum" check "$tmp/missing.policy"
expect 2 "is a directory" -- "$septum" check "$tmp"
expect 0 "ok: system .demo.: 3 domains, 3 regions, 3 devices, 1 channel, 2 CPUs" -- "$septum" check "$demo"
expect 0 "\(placed\)" -- "$septum" check --print-model "$demo"
expect 0 "P09-flows +proven" -- "$septum" check "$demo"
expect 0 "^  1\. worker -> dom0: channel .results." -- "$septum" explain "$demo" --flow worker sandbox
expect 0 "^  2\. dom0 -> sandbox: .dom0. holds start, stop over .sandbox." -- "$septum" explain "$demo" --flow worker sandbox
expect 0 "^flow sandbox -> dom0: none" -- "$septum" explain "$demo" --flow sandbox dom0
expect 0 "untrusted and every domain reachable from it: \{sandbox\}" -- "$septum" explain "$demo" --flow untrusted trusted
expect 2 "is neither a domain nor a label" -- "$septum" explain "$demo" --flow sandbox nobody
expect 2 "usage: septum explain" -- "$septum" explain "$demo"
expect 0 "--flow A B" -- "$septum" explain --help
printf 'system x {\n  platform { cpus 0; }\n}\n' > "$tmp/bad.policy"
expect 1 "bad.policy:2:19: error\[E0401\]" -- "$septum" check "$tmp/bad.policy"
expect 1 '"accepted":false' -- "$septum" check --format=json "$tmp/bad.policy"
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' > "$tmp/large.policy"
expect 1 "large.policy: error\[E0002\]: the policy file is larger than 16 MiB" -- "$septum" check "$tmp/large.policy"
rm -f "$tmp/large.policy"
chmod 000 "$tmp/bad.policy"
if [ "$(id -u)" -ne 0 ]; then expect 2 "cannot read" -- "$septum" check "$tmp/bad.policy"; fi
# compile and dump
expect 1 "demo.policy:[0-9]+:[0-9]+: error: domain .dom0., image \"guests/dom0.elf\": image file .*guests/dom0.elf. does not exist" -- "$septum" compile "$demo" -o "$tmp/demo.bin"
[ ! -e "$tmp/demo.bin" ] || { echo "FAIL: a blob was written although an image is missing"; failed=$((failed + 1)); }
expect 1 "help: build the image first, or pass --no-images" -- "$septum" compile "$demo" -o "$tmp/demo.bin"
expect 0 "9 \+ 7 obligations proven; wrote .*demo.bin .*100.00% covered.*not bootable" -- "$septum" compile --no-images "$demo" -o "$tmp/demo.bin"
expect 0 "P13-iommu-irq +proven" -- "$septum" compile --no-images "$demo" -o "$tmp/demo.bin"
expect 0 "^  total +[0-9]+ bytes +[0-9]+ covered +100.00%" -- "$septum" compile --no-images --coverage "$demo" -o "$tmp/demo.bin"
expect 0 "^system .demo.: 2 cpus, iommu amd-vi" -- "$septum" dump "$tmp/demo.bin"
expect 0 "--no-images" -- "$septum" compile --help
printf 'system x {\n  platform { cpus 0; }\n}\n' > "$tmp/rejected.policy"
expect 1 "nothing written: the policy is not accepted" -- "$septum" compile "$tmp/rejected.policy" -o "$tmp/bad.bin"
[ ! -e "$tmp/bad.bin" ] || { echo "FAIL: a blob was written for a rejected policy"; failed=$((failed + 1)); }
printf 'garbage' > "$tmp/garbage.bin"
expect 1 "not a valid tables blob: truncated" -- "$septum" dump "$tmp/garbage.bin"
head -c 4096 /dev/zero > "$tmp/zeros.bin"
expect 1 "not a valid tables blob: wrong magic" -- "$septum" dump "$tmp/zeros.bin"
expect 2 "usage: septum compile" -- "$septum" compile "$demo"
expect 2 "usage: septum dump" -- "$septum" dump
[ "$failed" -eq 0 ]
