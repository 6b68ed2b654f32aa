#!/usr/bin/env bash
# Installs missing packages, configures and builds qtsim into build/ (or $QTSIM_BUILD_DIR).
# Extra CMake arguments are passed through: scripts/build.sh -DQTSIM_SANITIZE=ON
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${QTSIM_BUILD_DIR:-$top/build}
"$top/scripts/install-deps.sh"
generator=()
command -v ninja >/dev/null && [ ! -f "$build/Makefile" ] && generator=(-G Ninja)
cmake -S "$top" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE="${QTSIM_BUILD_TYPE:-Release}" "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
