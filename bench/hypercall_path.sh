#!/usr/bin/env bash
# hypercall_path.sh — runs bench/hypercall_path.py (Bazel passes the paths as arguments).
set -euo pipefail
script="$1"
shift
exec python3 "$script" "$@"
