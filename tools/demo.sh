#!/usr/bin/env bash
# demo.sh — the main job: installs what is missing, builds the toolchain, the kernel and the
# guest, builds the example policy policy/examples/pv_pair.policy (two PV domains on one CPU)
# into a certified image with `septum build`, and boots it with `septum run`.
#
#   bash tools/demo.sh [--backend svm|vmx]
#
# `septum build` proves the policy (P01-P09), compiles the tables, proves the bytes (P10-P16),
# and writes out/pv_pair/{septum.iso,tables.bin,certificate.json}. The kernel runs the schedule
# for 1 s (kernel command line run=1000), each domain's console prefixed with its name, then
# prints every domain's counters and ends the run; the exit status is the kernel's verdict.
# svm (default): QEMU TCG with AMD-V. vmx: the same image under Bochs with Intel VT-x, where the
# kernel boots, checks the tables and says running domains needs the AMD-V backend for now.
set -euo pipefail
cd "$(dirname "$0")/.."

backend=svm
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) backend="$2"; shift 2 ;;
    --backend=*) backend="${1#*=}"; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$backend" in svm|vmx) ;; *) echo "demo.sh: --backend must be svm or vmx, not '$backend'" >&2; exit 2 ;; esac

bash tools/install-deps.sh
bazel build //tools/cli:septum //kernel:septum //tools/build:mkiso //tests/guests:testguest
bin="$(bazel info bazel-bin 2>/dev/null)"
septum="$bin/tools/cli/septum"

# The policy names its images relative to itself: stage it with the guest it runs.
src="out/pv_pair.src"
mkdir -p "$src/guests"
cp policy/examples/pv_pair.policy "$src/"
cp "$bin/tests/guests/testguest.elf" "$src/guests/testguest.elf"
echo "demo: septum build $src/pv_pair.policy -o out/pv_pair --cmdline run=1000"
"$septum" build "$src/pv_pair.policy" -o out/pv_pair --kernel "$bin/kernel/septum.elf" --mkiso "$bin/tools/build/mkiso" \
  --cmdline run=1000
echo "demo: out/pv_pair/certificate.json (head)"
head -12 out/pv_pair/certificate.json
case "$backend" in
  svm) echo "demo: septum run out/pv_pair (QEMU, AMD-V: SVM + NPT)"; exec "$septum" run out/pv_pair --timeout 120 ;;
  vmx) echo "demo: booting out/pv_pair/septum.iso under Bochs (Intel VT-x: VMX + EPT)"; exec bash tools/vm/bochs.sh --iso out/pv_pair/septum.iso ;;
esac
