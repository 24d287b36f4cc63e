#!/usr/bin/env bash
# demo.sh — the main job: installs what is missing, builds the toolchain, the kernel and the
# demo's guests, builds policy/examples/demo.policy (the example of POLICY_LANGUAGE.md: dom0,
# worker and sandbox on two CPUs) into a certified image with `septum build`, and boots it
# with `septum run`.
#
#   bash tools/demo.sh [--backend svm|vmx]
#
# `septum build` proves the policy (P01-P09), compiles the tables, proves the bytes (P10-P16),
# and writes out/demo/{septum.iso,tables.bin,certificate.json}. The machine has two CPUs and
# QEMU's edu device at PCI 00:04.0 (the policy's edu0, owned by worker). The kernel runs the
# schedule for 1 s (kernel command line run=1000): the kernel's log and every domain's console
# (prefixed [name]) on standard output, then what dom0 wrote to COM2, the serial port it owns
# and drives itself (prefixed [dom0 on COM2]); then every CPU's slots and every domain's
# counters. The exit status is the kernel's verdict.
# svm (default): QEMU TCG with AMD-V. vmx: the same image under Bochs with Intel VT-x (the kernel
# picks its backend from CPUID); Bochs has no edu device, so there edu0 stays off and worker
# says its device does not answer — the rest runs as under QEMU.
set -euo pipefail
cd "$(dirname "$0")/.."

backend=svm
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) backend="$2"; shift 2 ;;
    --backend=*) backend="${1#*=}"; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$backend" in svm|vmx) ;; *) echo "demo.sh: --backend must be svm or vmx, not '$backend'" >&2; exit 2 ;; esac

bash tools/install-deps.sh
bazel build //tools/cli:septum //kernel:septum //tools/build:mkiso //policy/examples/guests:images
bin="$(bazel info bazel-bin 2>/dev/null)"
septum="$bin/tools/cli/septum"

# The policy names its images relative to itself (guests/dom0.elf, ...): stage it with them.
src="out/demo.src"
rm -rf "$src"
mkdir -p "$src/guests"
cp policy/examples/demo.policy "$src/"
cp "$bin/policy/examples/guests/dom0.elf" "$bin/policy/examples/guests/worker.elf" "$bin/policy/examples/guests/sandbox.bin" "$src/guests/"
echo "demo: septum build $src/demo.policy -o out/demo --cmdline run=1000"
"$septum" build "$src/demo.policy" -o out/demo --kernel "$bin/kernel/septum.elf" --mkiso "$bin/tools/build/mkiso" \
  --cmdline run=1000
echo "demo: out/demo/certificate.json (head)"
head -12 out/demo/certificate.json
status=0
case "$backend" in
  svm)
    echo "demo: septum run out/demo --device edu,addr=04.0 --serial2 out/demo/com2.log (QEMU, AMD-V: SVM + NPT, 2 CPUs)"
    "$septum" run out/demo --timeout 120 --device edu,addr=04.0 --serial2 out/demo/com2.log || status=$?
    ;;
  vmx)
    echo "demo: septum run out/demo --backend=vmx --serial2 out/demo/com2.log (Bochs, Intel VT-x: VMX + EPT, 2 CPUs)"
    "$septum" run out/demo --backend=vmx --timeout 300 --serial2 out/demo/com2.log || status=$?
    ;;
esac
echo "demo: what dom0 wrote to COM2 (out/demo/com2.log):"
tr -d '\r' < out/demo/com2.log | sed 's/^/[dom0 on COM2] /'
exit "$status"
