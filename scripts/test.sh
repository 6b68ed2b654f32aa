#!/usr/bin/env bash
# Builds qtsim and runs the whole test suite (GoogleTest under CTest).
# Exits non-zero when any test fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${QTSIM_BUILD_DIR:-$top/build}
"$top/scripts/build.sh" "$@"
export SC_COPYRIGHT_MESSAGE=DISABLE
cd "$build"
ctest --output-on-failure --parallel "$(nproc)" --timeout 900
