#!/usr/bin/env bash
# The README's second command: install what is needed, build with
# AddressSanitizer and UndefinedBehaviorSanitizer, run every test (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DSLUICE_SANITIZE=ON
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure -j"$(nproc)"
