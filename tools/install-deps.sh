#!/usr/bin/env bash
# install-deps.sh — installs the Debian 12 packages Septum needs, and only those missing.
#
# Idempotent: when everything is present it installs nothing and does not touch the network.
# Needs root (or sudo) only when something is missing. The list is the one in
# ../shared/design/PLATFORM.md; keep README.md's "Requirements" in step with it.
set -euo pipefail

PACKAGES=(
  # build: Debian's Bazel 4.2.3 with the rules it needs offline, the C++ toolchain, the linker
  bazel-bootstrap bazel-platforms bazel-rules-java g++ lld
  # libraries: Z3, Abseil, GoogleTest/GoogleMock, Google Benchmark
  z3 libz3-dev libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev
  # images: GRUB multiboot2 ISO
  grub-pc-bin grub-common xorriso mtools
  # report validation in tests (SARIF schema, JUnit XML)
  python3 python3-jsonschema
  # the policy fuzzer: clang with libFuzzer and the sanitizer runtimes
  clang-14 libclang-rt-14-dev
  # AMD-V runs (QEMU TCG) and VT-x runs (Bochs, headless term display)
  qemu-system-x86 bochs bochs-term bochsbios vgabios
  # the hypercall path-length benchmark steps the kernel through QEMU's gdb stub
  gdb
)

missing=()
for p in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != "installed" ]; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing Debian packages: ${missing[*]}"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    SUDO=(sudo)
  else
    echo "install-deps: not root and no sudo: install these as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
