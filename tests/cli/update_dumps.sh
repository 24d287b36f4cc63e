#!/usr/bin/env bash
# update_dumps.sh — rewrites tests/cli/testdata/dumps/ from the current build (after a change
# to the blob format or the dump that is meant). Run from the workspace root after
# `bazel build //tools/cli:septum //tools/compiler/testing:make_test_images`; review the diff.
set -euo pipefail
mkdir -p tests/cli/testdata/dumps
UPDATE=1 bash tests/cli/dump_golden_test.sh bazel-bin/tools/cli/septum bazel-bin/tools/compiler/testing/make_test_images \
  tests/cli/testdata/dumps policy/examples/*.policy
