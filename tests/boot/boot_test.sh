#!/usr/bin/env bash
# boot_test.sh — one boot test: run an ISO under an emulator runner and judge the serial log.
#
#   boot_test.sh --runner RUNNER --iso ISO --verdict success|failure [--cpu SPEC] [--smp N] [--device SPEC]...
#                [--expect REGEX]... [--reject REGEX]... [--expect-com2 REGEX]...
#
# Passes when the runner (tools/vm/qemu.sh or bochs.sh) reports the expected verdict, every
# --expect regex (grep -E) matches a line of the serial log, and no --reject regex does. With
# --expect-com2 the machine gets a second serial port (COM2, QEMU only) whose log must match.
# A timeout or a run without a verdict always fails. The log is printed on failure.
set -uo pipefail

runner="" iso="" verdict="" cpu="" smp=""
expects=() rejects=() com2_expects=() devices=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runner) runner="$2"; shift 2 ;;
    --iso) iso="$2"; shift 2 ;;
    --verdict) verdict="$2"; shift 2 ;;
    --cpu) cpu="$2"; shift 2 ;;
    --smp) smp="$2"; shift 2 ;;
    --device) devices+=(--device "$2"); shift 2 ;;
    --expect) expects+=("$2"); shift 2 ;;
    --reject) rejects+=("$2"); shift 2 ;;
    --expect-com2) com2_expects+=("$2"); shift 2 ;;
    *) echo "boot_test.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
case "$verdict" in success) want=0 ;; failure) want=1 ;; *) echo "boot_test.sh: --verdict success|failure" >&2; exit 2 ;; esac

log="${TEST_TMPDIR:-/tmp}/serial.log"
# Well inside Bazel's limit (60 s for QEMU's small tests, 300 s for Bochs' medium ones), so a
# hang is reported by the runner, which kills the machine (timeout -k).
timeout_s=45
case "$(basename "$runner")" in bochs*) timeout_s=200 ;; esac
args=(--iso "$iso" --log "$log" --timeout "$timeout_s")
[ -n "$cpu" ] && args+=(--cpu "$cpu")
[ -n "$smp" ] && args+=(--smp "$smp")
args+=("${devices[@]+"${devices[@]}"}")
com2_log="${TEST_TMPDIR:-/tmp}/com2.log"
[ ${#com2_expects[@]} -ne 0 ] && args+=(--serial2 "$com2_log")
start_ms=$(( $(date +%s%N) / 1000000 ))
"$runner" "${args[@]}"
got=$?
elapsed_ms=$(( $(date +%s%N) / 1000000 - start_ms ))

failures=()
if [ "$got" -ne "$want" ]; then
  case "$got" in
    0) failures+=("the kernel reported success; expected failure") ;;
    1) failures+=("the kernel reported failure; expected success") ;;
    124) failures+=("timeout: the machine was killed without a verdict") ;;
    *) failures+=("no verdict from the kernel (runner exit status $got)") ;;
  esac
fi
clean_log="$(tr -d '\r' < "$log" 2>/dev/null)"
for re in "${expects[@]+"${expects[@]}"}"; do
  grep -Eq -- "$re" <<<"$clean_log" || failures+=("serial log lacks a line matching: $re")
done
for re in "${rejects[@]+"${rejects[@]}"}"; do
  grep -Eq -- "$re" <<<"$clean_log" && failures+=("serial log has a forbidden line matching: $re")
done
clean_com2=""
[ -f "$com2_log" ] && clean_com2="$(tr -d '\r' < "$com2_log")"
for re in "${com2_expects[@]+"${com2_expects[@]}"}"; do
  grep -Eq -- "$re" <<<"$clean_com2" || failures+=("COM2's log lacks a line matching: $re")
done

printf 'boot: %s on %s, cpu %s, %s CPUs, %d ms\n' "$(basename "$iso")" "$(basename "$runner")" "${cpu:-default}" "${smp:-1}" "$elapsed_ms"
if [ ${#failures[@]} -ne 0 ]; then
  for f in "${failures[@]}"; do echo "FAIL: $f"; done
  echo "---- serial log ----"
  echo "$clean_log"
  if [ ${#com2_expects[@]} -ne 0 ]; then
    echo "---- COM2 log ----"
    echo "$clean_com2"
  fi
  exit 1
fi
echo "PASS: verdict $verdict, ${#expects[@]} expected lines present"
