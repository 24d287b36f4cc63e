#!/usr/bin/env bash
# build_fuzzer.sh OUT SOURCES... — builds the policy fuzzer with clang-14's libFuzzer, ASan and
# UBSan (Debian's clang-14 and libclang-rt-14-dev). Bazel's host toolchain is g++, which has no
# libFuzzer, so this one binary is compiled directly.
set -euo pipefail
out="$1"
shift
sources=()
for f in "$@"; do
  case "$f" in *.cc) sources+=("$f") ;; esac
done
command -v clang++-14 >/dev/null || { echo "build_fuzzer.sh: clang++-14 not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }
clang++-14 -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I. "${sources[@]}" -o "$out" \
  -labsl_str_format_internal -labsl_strings -labsl_strings_internal -labsl_int128 \
  -labsl_throw_delegate -labsl_raw_logging_internal -labsl_raw_hash_set -labsl_hash \
  -labsl_city -labsl_low_level_hash
