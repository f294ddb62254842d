#!/usr/bin/env bash
# The README's first command: install what is needed, build, run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_BUILD_TESTS=OFF
cmake --build build -j"$(nproc)"
# Until the standalone worker lands, the main job lists the plugins the
# binary finds on its own (no plugin.path needed).
build/sluice --version
build/sluice plugins
