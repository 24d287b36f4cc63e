#!/usr/bin/env bash
# bochs.sh — boots a Septum ISO under Bochs with Intel VT-x (VMX + EPT) and reports the kernel's verdict.
#
#   bochs.sh --iso FILE [--cpu MODEL] [--log FILE] [--timeout SECONDS] [--memory MIB] [--smp N]
#            [--serial2 FILE] [--debugger SCRIPT --screen FILE]
#
# --cpu defaults to corei7_skylake_x (VMX with EPT; ../shared/design/PLATFORM.md). Bochs runs
# headless (display_library term, debugger prompt answered by an rc file, sound off) under a hard
# `timeout -k`, because Bochs ignores SIGTERM. The serial console goes to --log FILE, or to
# standard output after the run without one. Writing "Shutdown" to port 0x8900 ends Bochs with
# status 1 whatever the outcome, so the verdict is read from the kernel's last serial line,
# "septum: end of run: success|failure" (kernel/arch/x86/run_end.h). --smp N gives the machine N
# CPUs (Debian's Bochs is built with SMP); --serial2 FILE adds COM2 (0x2f8), logged there.
# --debugger SCRIPT runs Bochs' debugger commands from SCRIPT instead of plain `c` (the benchmark
# traces with it), and --screen FILE keeps what Bochs prints (the trace) in FILE.
# Exit status: 0 success, 1 failure, 124 timeout, 3 Bochs stopped without a verdict.
set -uo pipefail

iso="" cpu="corei7_skylake_x" log="" timeout_s=120 memory=512 smp=1 serial2="" debugger="" screen=""
while [ $# -gt 0 ]; do
  case "$1" in
    --iso) iso="$2"; shift 2 ;;
    --cpu) cpu="$2"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --smp) smp="$2"; shift 2 ;;
    --serial2) serial2="$2"; shift 2 ;;
    --debugger) debugger="$2"; shift 2 ;;
    --screen) screen="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bochs.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$iso" ] || { echo "bochs.sh: --iso FILE is required" >&2; exit 2; }
[ -r "$iso" ] || { echo "bochs.sh: cannot read ISO '$iso'" >&2; exit 2; }
command -v bochs-bin >/dev/null || { echo "bochs.sh: bochs not found (apt-get install bochs bochs-term bochsbios vgabios)" >&2; exit 3; }
[ -e /dev/ptmx ] || { echo "bochs.sh: /dev/ptmx missing: Bochs' term display needs it" >&2; exit 3; }

work="$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/septum-bochs.XXXXXX")"
trap '[ -n "${SEPTUM_KEEP_BOCHS:-}" ] || rm -rf "$work"' EXIT
serial_log="${log:-$work/serial.log}"
: > "$serial_log"
iso_abs="$(readlink -f "$iso")"
cat > "$work/bochsrc" <<RC
megs: $memory
cpu: model=$cpu, count=$smp, ips=50000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path="$iso_abs", status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$serial_log
$([ -n "$serial2" ] && echo "com2: enabled=1, mode=file, dev=$serial2")
display_library: term
config_interface: textconfig
log: $work/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
clock: sync=none, time0=utc
sound: driver=dummy
speaker: enabled=0
RC
if [ -n "$debugger" ]; then
  cp "$debugger" "$work/debugger.rc"
else
  printf 'c\nquit\n' > "$work/debugger.rc"
fi

# Bochs' term display is a curses screen: it needs TERM (unset under `bazel test`) and writes
# escape sequences, which are kept out of our output.
TERM=dumb timeout -k 5 "$timeout_s" bochs-bin -q -f "$work/bochsrc" -rc "$work/debugger.rc" \
  </dev/null >"$work/bochs.out" 2>&1
status=$?
[ -n "$screen" ] && mv "$work/bochs.out" "$screen"
[ -z "$log" ] && tr -d '\r' < "$serial_log"

verdict="$(tr -d '\r' < "$serial_log" | grep -o 'septum: end of run: [a-z]*' | tail -n 1)"
case "$verdict" in
  *success) exit 0 ;;
  *failure) exit 1 ;;
esac
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "bochs.sh: no verdict within ${timeout_s}s: machine killed" >&2
  exit 124
fi
echo "bochs.sh: Bochs stopped without a verdict from the kernel (exit status $status); last log lines:" >&2
tail -n 5 "$work/bochs.log" >&2 2>/dev/null
grep -v '^[0-9]*i\[' "$work/bochs.out" | tail -n 5 >&2
exit 3
