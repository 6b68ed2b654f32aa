#!/usr/bin/env bash
# Builds qtsim and runs the whole test suite (GoogleTest under CTest), then
# each input loader's fuzzer for a short time (scripts/fuzz.sh, clang's
# libFuzzer with ASan and UBSan; QTSIM_CI_FUZZ_SECONDS per target, default 15,
# 0 to skip). Exits non-zero when any test fails or a fuzzer finds anything.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${QTSIM_BUILD_DIR:-$top/build}
"$top/scripts/build.sh" "$@"
export SC_COPYRIGHT_MESSAGE=DISABLE
cd "$build"
ctest --output-on-failure --parallel "$(nproc)" --timeout 900
fuzz_seconds=${QTSIM_CI_FUZZ_SECONDS:-15}
if [ "$fuzz_seconds" != 0 ]; then
  QTSIM_FUZZ_RECORD=0 "$top/scripts/fuzz.sh" "$fuzz_seconds"
fi
