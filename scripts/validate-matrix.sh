#!/usr/bin/env bash
# The accelerator's bit-exactness matrix: every int8 scheme
# on a Fashion-MNIST ResNet and on ResNet-20 (CIFAR shape, synthetic data), and
# FP32-BN, validated for 3 steps on 8x8, 16x16 and 32x32 arrays in each of the
# OS, WS and IS dataflows; the tensor digests of one workload and integer scheme
# must be equal across all nine hardware configurations (FP32 sums follow each
# mapping's order, so FP32 digests differ; FP32 passes within the tolerance). Writes
# docs/results/validation-matrix.{md,json}. Takes about 20-30 minutes on 2 cores.
#   scripts/validate-matrix.sh [STEPS [SCHEME]]   (SCHEME: only the rows of that scheme)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
steps=${1:-3}
only=${2:-}
"$top/scripts/build.sh" >/dev/null || { echo "validate-matrix: the build failed (run scripts/build.sh to see why)" >&2; exit 2; }
qtsim="${QTSIM_BUILD_DIR:-$top/build}/qtsim"
cd "$top"
cases=(
  "fmnist-resnet-fixup.json int8-eoq int8-fixup"
  "fmnist-resnet-bn.json int8-wageubn int8-intbn"
  "fmnist-resnet-bn.json int8-dfp int8-intbn"
  "fmnist-resnet-bn.json fp32-bn fp32-bn"
  "resnet20-cifar-fixup.json int8-eoq int8-fixup"
  "resnet20-cifar-bn.json int8-wageubn int8-intbn"
  "resnet20-cifar-bn.json int8-dfp int8-intbn"
  "resnet20-cifar-bn.json fp32-bn fp32-bn"
)
md="| workload | scheme | hardware (9 = 3 sizes x 3 dataflows) | steps | tensors per step | result | distinct digests |
|---|---|---|---|---|---|---|"
json="["
failed=0
start=$(date +%s)
for c in "${cases[@]}"; do
  read -r workload scheme hw <<<"$c"
  [ -z "$only" ] || [ "$only" = "$scheme" ] || continue
  digests=()
  tensors=""
  ok=1
  for size in 8x8 16x16 32x32; do
    for df in os ws is; do
      log=$(mktemp)
      if ! "$qtsim" validate "workloads/$workload" --scheme "$scheme" --hw "workloads/hw/$hw-$size.json" --dataflow "$df" \
          --steps "$steps" --quiet --no-progress >"$log" 2>&1; then
        ok=0
        echo "FAILED: $workload $scheme $hw-$size $df" >&2
        grep -E "MISMATCH|error" "$log" >&2 || true
      fi
      digests+=("$(sed -n 's/^hardware tensor digest: //p' "$log")")
      tensors=$(sed -n 's/^step 0: \([0-9]*\) tensors.*/\1/p' "$log")
      rm -f "$log"
      echo "  $workload $scheme $hw-$size $df: $([ $ok = 1 ] && echo ok || echo FAILED) ${digests[-1]}" >&2
    done
  done
  distinct=$(printf '%s\n' "${digests[@]}" | sort -u | wc -l)
  # Integer schemes: identical tensors on every array and dataflow.
  [ "$distinct" = 1 ] || [ "${scheme#fp32}" != "$scheme" ] || ok=0
  [ $ok = 1 ] || failed=1
  result=$([ $ok = 1 ] && echo "passed" || echo "FAILED")
  md+="
| $workload | $scheme | $hw-{8x8,16x16,32x32} x {os,ws,is} | $steps | $tensors | $result | $distinct (${digests[0]}) |"
  json+="{\"workload\":\"$workload\",\"scheme\":\"$scheme\",\"hardware\":\"$hw\",\"steps\":$steps,\"tensors_per_step\":${tensors:-0},\"passed\":$([ $ok = 1 ] && echo true || echo false),\"distinct_digests\":$distinct,\"digest\":\"${digests[0]}\"},"
done
elapsed=$(( $(date +%s) - start ))
json="${json%,}]"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
cat >docs/results/validation-matrix.md <<MD
# Validation matrix

Measured by \`scripts/validate-matrix.sh $steps\` on $(date -u +%Y-%m-%d) at commit $commit
($(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), in ${elapsed} s.
Each row is 9 runs of \`qtsim validate\` (arrays 8x8, 16x16, 32x32; dataflows OS, WS, IS),
each comparing every tensor of every step with the reference: integers exactly,
floats within the documented tolerance (each FP32 step starts from the
reference's state). "distinct digests" counts the different digests of all
hardware tensors across the 9 runs (1 = identical tensors): integer schemes
must give one; FP32 sums follow each mapping's order, so its digests differ.

$md
MD
printf '{"steps": %s, "commit": "%s", "seconds": %s, "rows": %s}\n' "$steps" "$commit" "$elapsed" "$json" >docs/results/validation-matrix.json
cat docs/results/validation-matrix.md
exit $failed
