#!/usr/bin/env bash
# qemu.sh — boots a Septum ISO under QEMU TCG with AMD-V (SVM + NPT) and reports the kernel's verdict.
#
#   qemu.sh --iso FILE [--cpu SPEC] [--log FILE] [--timeout SECONDS] [--memory MIB] [--smp N]
#           [--serial2 FILE] [--device SPEC]...
#
# --cpu defaults to qemu64,+svm,+npt (../shared/design/PLATFORM.md). The serial console goes to
# --log FILE, or to standard output without one; --serial2 FILE adds COM2 (0x2f8), logged there;
# --device SPEC adds a QEMU device (e.g. edu,addr=04.0), repeatable.
# The kernel ends a run through QEMU's isa-debug-exit device (kernel/arch/x86/run_end.h):
# 33 = success, 35 = failure.
# Exit status: 0 the kernel reported success, 1 it reported failure, 124 timeout (the machine was
# killed), 3 QEMU stopped without a verdict (e.g. a triple fault) or could not start.
set -uo pipefail

iso="" cpu="qemu64,+svm,+npt" log="" timeout_s=60 memory=512 smp=1 serial2=""
devices=()
while [ $# -gt 0 ]; do
  case "$1" in
    --iso) iso="$2"; shift 2 ;;
    --cpu) cpu="$2"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --smp) smp="$2"; shift 2 ;;
    --serial2) serial2="$2"; shift 2 ;;
    --device) devices+=(-device "$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "qemu.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$iso" ] || { echo "qemu.sh: --iso FILE is required" >&2; exit 2; }
[ -r "$iso" ] || { echo "qemu.sh: cannot read ISO '$iso'" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "qemu.sh: qemu-system-x86_64 not found (apt-get install qemu-system-x86)" >&2; exit 3; }

serial="stdio"
[ -n "$log" ] && serial="file:$log"
extra=()
[ -n "$serial2" ] && extra=(-serial "file:$serial2")
# -no-reboot: a triple fault stops QEMU (exit 0) instead of rebooting into GRUB forever.
timeout -k 5 "$timeout_s" qemu-system-x86_64 \
  -accel tcg -cpu "$cpu" -smp "$smp" -m "$memory" \
  -display none -monitor none -no-reboot -nodefaults \
  -serial "$serial" "${extra[@]+"${extra[@]}"}" \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${devices[@]+"${devices[@]}"}" \
  -drive "file=$iso,media=cdrom,format=raw,readonly=on" -boot d \
  </dev/null
status=$?
case "$status" in
  33) exit 0 ;;
  35) exit 1 ;;
  124|137) echo "qemu.sh: no verdict within ${timeout_s}s: machine killed" >&2; exit 124 ;;
  *) echo "qemu.sh: QEMU stopped without a verdict from the kernel (exit status $status)" >&2; exit 3 ;;
esac
