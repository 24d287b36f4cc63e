#!/usr/bin/env bash
# demo.sh — the main job: installs what is missing, builds the kernel image and boots it.
#
#   bash tools/demo.sh [--backend svm|vmx]
#
# svm (default): QEMU TCG with AMD-V (qemu64,+svm,+npt). vmx: Bochs with Intel VT-x
# (corei7_skylake_x). First `septum check` checks the demo policy (policy/examples/demo.policy)
# and prints its resolved model; `septum compile --no-images --coverage` compiles it into the
# tables blob and proves the bytes (P10-P15); then the kernel image is built and booted, its
# serial console printed as it runs; the exit status is the kernel's verdict (0 success). Until
# the kernel runs domains (and the demo's guests exist) the image holds the kernel alone: it
# boots, checks the machine and ends the run.
set -euo pipefail
cd "$(dirname "$0")/.."

backend=svm
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) backend="$2"; shift 2 ;;
    --backend=*) backend="${1#*=}"; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

bash tools/install-deps.sh
bazel build //tools/cli:septum //kernel:septum_iso
bin="$(bazel info bazel-bin 2>/dev/null)"
echo "demo: septum check --print-model policy/examples/demo.policy"
"$bin/tools/cli/septum" check --print-model policy/examples/demo.policy
tables="$(mktemp -d)/demo.tables"
echo "demo: septum compile --no-images --coverage policy/examples/demo.policy -o $tables"
"$bin/tools/cli/septum" compile --no-images --coverage policy/examples/demo.policy -o "$tables"
echo "demo: septum dump $tables (first lines)"
"$bin/tools/cli/septum" dump "$tables" | head -25
iso="$bin/kernel/septum.iso"
case "$backend" in
  svm) echo "demo: booting $iso under QEMU (AMD-V: SVM + NPT)"; exec bash tools/vm/qemu.sh --iso "$iso" ;;
  vmx) echo "demo: booting $iso under Bochs (Intel VT-x: VMX + EPT)"; exec bash tools/vm/bochs.sh --iso "$iso" ;;
  *) echo "demo.sh: --backend must be svm or vmx, not '$backend'" >&2; exit 2 ;;
esac
