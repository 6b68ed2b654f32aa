#!/usr/bin/env bash
# The demo: installs missing packages, builds qtsim, and trains the Fixup
# ResNet of workloads/fmnist-resnet-fixup.json (int8-eoq) on Fashion-MNIST for
# a few hundred steps with the bit-exact reference, then says where the
# outputs are. About two minutes on two cores.
#   QTSIM_DEMO_STEPS=N   training steps (default 300)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${QTSIM_BUILD_DIR:-$top/build}
"$top/scripts/build.sh"

steps=${QTSIM_DEMO_STEPS:-300}
out=$top/out/demo/train
echo
echo "== qtsim train workloads/fmnist-resnet-fixup.json --steps $steps --out $out"
"$build/qtsim" train workloads/fmnist-resnet-fixup.json --steps "$steps" --out "$out"
echo
echo "outputs:"
echo "  $out/train_log.json    per-epoch loss, accuracy, quantizer statistics (docs/DUMPS.md)"
echo "  $out/steps.csv         loss and accuracy of every step"
echo "  $out/checkpoint/       integer weights with their exponents (docs/DUMPS.md)"
echo "more: build/qtsim --help; docs/WORKLOADS.md; docs/NUMERICS.md"
