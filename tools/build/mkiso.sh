#!/usr/bin/env bash
# mkiso.sh — builds a BIOS-bootable GRUB ISO that loads the Septum kernel with Multiboot2.
#
#   mkiso.sh --out OUT.iso --kernel septum.elf [--cmdline "k=v ..."] [--module FILE[=NAME]]...
#
# Modules are loaded in the order given (multiboot2 module2), each with NAME (default: the file's
# base name) as its command line. GRUB's console goes to COM1 so a serial log shows everything.
set -euo pipefail

out="" kernel="" cmdline=""
modules=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --kernel) kernel="$2"; shift 2 ;;
    --cmdline) cmdline="$2"; shift 2 ;;
    --module) modules+=("$2"); shift 2 ;;
    *) echo "mkiso.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [ -z "$out" ] || [ -z "$kernel" ]; then
  echo "usage: mkiso.sh --out OUT.iso --kernel KERNEL.elf [--cmdline TEXT] [--module FILE[=NAME]]..." >&2
  exit 2
fi
for tool in grub-mkrescue xorriso mformat; do
  command -v "$tool" >/dev/null || { echo "mkiso.sh: '$tool' not found (install grub-pc-bin grub-common xorriso mtools)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/septum-iso.XXXXXX")"
trap 'rm -rf "$work"' EXIT
stage="$work/iso"
mkdir -p "$stage/boot/grub" "$stage/boot/modules"
cp "$kernel" "$stage/boot/septum.elf"
{
  echo "set timeout=0"
  echo "set timeout_style=hidden"
  echo "set default=0"
  echo "serial --unit=0 --speed=115200"
  echo "terminal_input serial"
  echo "terminal_output serial"
  echo "menuentry \"Septum\" {"
  echo "  multiboot2 /boot/septum.elf $cmdline"
  i=0
  for m in "${modules[@]+"${modules[@]}"}"; do
    file="${m%%=*}"
    name="$(basename "$file")"
    [ "$m" != "$file" ] && name="${m#*=}"
    cp "$file" "$stage/boot/modules/$i"
    echo "  module2 /boot/modules/$i $name"
    i=$((i + 1))
  done
  echo "  boot"
  echo "}"
} > "$stage/boot/grub/grub.cfg"

log="$work/grub-mkrescue.log"  # outside the tree that becomes the ISO
if ! grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out" "$stage" >"$log" 2>&1; then
  echo "mkiso.sh: grub-mkrescue failed:" >&2
  cat "$log" >&2
  exit 1
fi
