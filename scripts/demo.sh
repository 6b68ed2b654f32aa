#!/usr/bin/env bash
# The demo: installs missing Debian packages, builds qtsim, then on the default
# workload (workloads/fmnist-resnet-fixup.json, a Fixup ResNet for
# Fashion-MNIST trained in int8 EOQ):
#   1. trains it for a few hundred steps with the bit-exact reference;
#   2. validates 2 training steps on the int8 16x16 accelerator: every tensor
#      the SystemC hardware computes equals the reference's, bit for bit;
#   3. simulates one step and writes its energy/area/latency report;
#   4. compares FP32+BN with int8 EOQ (Fixup) hardware on ResNet-18 (ImageNet).
# Under a minute after the build on an idle two-core machine (46 s of CPU time,
# measured on 2026-12-06; README.md).
#   QTSIM_DEMO_STEPS=N   training steps of part 1 (default 300)
#   QTSIM_DEMO_OUT=DIR   where the outputs go (default out/demo)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${QTSIM_BUILD_DIR:-$top/build}
"$top/scripts/build.sh"

qtsim=$build/qtsim
steps=${QTSIM_DEMO_STEPS:-300}
out=${QTSIM_DEMO_OUT:-$top/out/demo}
workload=workloads/fmnist-resnet-fixup.json
hw=workloads/hw/int8-fixup-16x16.json
mkdir -p "$out"

run() {
  echo
  echo "== qtsim $*"
  "$qtsim" "$@"
}

run train "$workload" --steps "$steps" --out "$out/train"
run validate "$workload" --hw "$hw" --steps 2 --quiet --out "$out/validate"
run simulate "$workload" --hw "$hw" --steps 1 --out "$out/simulate"
run report "$out/simulate" --out "$out/report"
run compare workloads/resnet18-imagenet-fixup.json --out "$out/compare"

cat <<EOF

outputs (formats: docs/DUMPS.md, docs/HARDWARE.md, docs/REPORTS.md):
  $out/train/train_log.json        per-epoch loss and accuracy, quantizer statistics
  $out/train/checkpoint/           integer weights with their exponents
  $out/validate/validation.json    per step and tensor: exact / within tolerance / mismatch
  $out/simulate/stats.json         cycles, stalls, action counts, buffer traffic
  $out/report/report.html          energy, area, latency and power of the simulated step
  $out/compare/compare.html        FP32+BN vs int8 EOQ hardware on ResNet-18, with ratios and their drivers
more: $qtsim --help; README.md
EOF
