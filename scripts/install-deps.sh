#!/usr/bin/env bash
# Installs the Debian packages qtsim needs, only those missing; silent when all
# are present. Idempotent. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  g++ make cmake pkg-config
  libsystemc-dev nlohmann-json3-dev libfmt-dev
  libboost-dev libboost-program-options-dev
  libgtest-dev zlib1g-dev
  libonnx-dev libprotobuf-dev  # qtsim import reads ONNX models with Debian's ONNX library
  dataset-fashion-mnist
  parallel  # GNU parallel: the test suite runs sweep shards through it (docs/SWEEP.md)
)
# Extra groups on request: QTSIM_EXTRA_PACKAGES="chromium clang" scripts/install-deps.sh
if [ -n "${QTSIM_EXTRA_PACKAGES:-}" ]; then
  read -r -a extra <<<"$QTSIM_EXTRA_PACKAGES"
  packages+=("${extra[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
