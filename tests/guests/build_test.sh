#!/usr/bin/env bash
# build_test.sh SEPTUM KERNEL MKISO GUEST POLICY — `septum build` and `septum run` end to end:
# the certificate says what was built (every hash checked against the files), a second build
# replaces the first, a failing build writes nothing and leaves the earlier build intact, and
# `septum run` reports the kernel's verdict as its exit status under QEMU (AMD-V) and under
# Bochs (VT-x), and passes --device and --serial2 on to the machine.
set -uo pipefail
septum="$1" kernel="$2" mkiso="$3" guest="$4" policy="$5"
work="${TEST_TMPDIR:-$(mktemp -d)}/build"
rm -rf "$work"
mkdir -p "$work/src"
cp "$policy" "$work/src/system.policy"
cp "$guest" "$work/src/testguest.elf"
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
build() { "$septum" build "$work/src/system.policy" -o "$work/out" --kernel "$kernel" --mkiso "$mkiso" "$@"; }

build --cmdline run=200 > "$work/build1.log" 2>&1 || fail "the first build failed: $(tail -5 "$work/build1.log")"
for f in septum.iso tables.bin certificate.json run.conf; do
  [ -s "$work/out/$f" ] || fail "the build has no $f"
done
python3 - "$work" "$kernel" <<'PY' || failed=$((failed + 1))
import hashlib, json, sys
work, kernel = sys.argv[1], sys.argv[2]
def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()
c = json.load(open(f"{work}/out/certificate.json"))
problems = []
if c["tables"]["sha256"] != sha(f"{work}/out/tables.bin"): problems.append("tables hash")
if c["boot_image"]["sha256"] != sha(f"{work}/out/septum.iso"): problems.append("ISO hash")
if c["kernel"]["sha256"] != sha(kernel): problems.append("kernel hash")
if c["policy"]["sha256"] != sha(f"{work}/src/system.policy"): problems.append("policy hash")
if [i["domain"] for i in c["images"]] != ["bystander_a", "bystander_b"]: problems.append("image list")
if any(i["sha256"] != sha(f"{work}/src/testguest.elf") for i in c["images"]): problems.append("image hash")
ids = [o["id"] for o in c["obligations"]]
if len(ids) != 16 or ids[0] != "P01-phys-disjoint" or ids[-1] != "P16-start-state": problems.append(f"obligations {ids}")
if any(o["verdict"] != "proven" for o in c["obligations"]): problems.append("a verdict is not proven")
if c["tables"]["validated_coverage"] != 1.0: problems.append("coverage")
if c["kernel"]["cmdline"] != "run=200": problems.append("cmdline")
if not c["z3"].startswith("4."): problems.append("z3 version")
for p in problems: print("FAIL: certificate:", p)
sys.exit(1 if problems else 0)
PY
first_iso=$(sha256sum "$work/out/septum.iso" | cut -d' ' -f1)

# The run: the kernel's success verdict is exit status 0, and the console comes out.
"$septum" run "$work/out" --timeout 60 > "$work/run.log" 2>&1
status=$?
[ "$status" -eq 0 ] || fail "septum run exited $status, not 0"
tr -d '\r' < "$work/run.log" | grep -q '^\[bystander_b\] bystander_b round 1$' || fail "septum run did not stream the guests' console"

# The machine's extras: a device and a second serial port reach QEMU (the file COM2 writes to
# is there after the run; the PCI device answers, though this policy gives it to no one).
"$septum" run "$work/out" --timeout 60 --device edu,addr=04.0 --serial2 "$work/com2.log" > "$work/run2.log" 2>&1
status=$?
[ "$status" -eq 0 ] || fail "septum run with --device and --serial2 exited $status, not 0: $(tail -3 "$work/run2.log")"
[ -f "$work/com2.log" ] || fail "septum run --serial2 did not give the machine a second serial port"
"$septum" run "$work/out" --device > /dev/null 2>&1
[ $? -eq 2 ] || fail "run accepted --device without a device"
"$septum" run "$work/out" --device -x > /dev/null 2>&1
[ $? -eq 2 ] || fail "run accepted an option as a --device spec"

# A build that fails (an image that is not there) writes nothing and keeps the earlier one.
rm "$work/src/testguest.elf"
build > "$work/build2.log" 2>&1
status=$?
[ "$status" -eq 1 ] || fail "a build with a missing image exited $status, not 1"
grep -q 'septum: nothing written' "$work/build2.log" || fail "a failing build did not say it wrote nothing"
[ "$(sha256sum "$work/out/septum.iso" | cut -d' ' -f1)" = "$first_iso" ] || fail "a failing build changed the earlier build"
ls "$work" | grep -q 'out.tmp-' && fail "a failing build left a staging directory"

# A second good build replaces the first (another command line, so another ISO).
cp "$guest" "$work/src/testguest.elf"
build --cmdline run=300 > "$work/build3.log" 2>&1 || fail "the second build failed"
[ "$(sha256sum "$work/out/septum.iso" | cut -d' ' -f1)" != "$first_iso" ] || fail "the second build did not replace the first"
grep -q '"cmdline": "run=300"' "$work/out/certificate.json" || fail "the second build's certificate is not the new one"

# A directory that is not a build is never replaced; run refuses what is not a build.
mkdir -p "$work/precious" && echo keep > "$work/precious/file"
"$septum" build "$work/src/system.policy" -o "$work/precious" --kernel "$kernel" --mkiso "$mkiso" > "$work/build4.log" 2>&1
[ $? -eq 2 ] && grep -q "is not an earlier septum build" "$work/build4.log" || fail "build replaced or misreported a foreign directory"
[ -f "$work/precious/file" ] || fail "build destroyed a foreign directory"
"$septum" run "$work/precious" > /dev/null 2>&1
[ $? -eq 2 ] || fail "run accepted a directory that is not a build"
# The same build under Bochs (VT-x): the verdict, the console streamed, COM2 too; QEMU devices
# are refused there; an unknown backend is a usage error.
"$septum" run "$work/out" --backend=vmx --timeout 200 --serial2 "$work/com2_vmx.log" > "$work/run_vmx.log" 2>&1
status=$?
[ "$status" -eq 0 ] || fail "septum run --backend=vmx exited $status, not 0: $(tail -3 "$work/run_vmx.log")"
tr -d '\r' < "$work/run_vmx.log" | grep -q '^septum: vmx backend selected; boot checks passed$' || fail "run --backend=vmx did not boot on VT-x"
tr -d '\r' < "$work/run_vmx.log" | grep -q '^\[bystander_b\] bystander_b round 1$' || fail "run --backend=vmx did not stream the guests' console"
[ -f "$work/com2_vmx.log" ] || fail "run --backend=vmx --serial2 gave the machine no COM2"
"$septum" run "$work/out" --backend=vmx --device edu > "$work/run_vmx_dev.log" 2>&1
[ $? -eq 2 ] && grep -q "Bochs has no QEMU devices" "$work/run_vmx_dev.log" || fail "run --backend=vmx accepted a QEMU device"
"$septum" run "$work/out" --backend=arm > /dev/null 2>&1
[ $? -eq 2 ] || fail "run accepted an unknown backend"

if [ "$failed" -ne 0 ]; then
  echo "$failed check(s) failed"
  exit 1
fi
echo "PASS: septum build / run"
