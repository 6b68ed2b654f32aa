#!/usr/bin/env bash
# The long validation: 200 training steps of the Fashion-MNIST
# Fixup workload on a 16x16 int8 array, every tensor of every step compared
# with the bit-exact reference (qtsim validate). Builds qtsim (build/ or
# $QTSIM_BUILD_DIR), runs, and records pass/fail, tensors compared, the tensor
# digest and the wall time in docs/results/long-validation.md. Exit code:
# validate's (0 passed, 1 mismatch). About 10 minutes on 2 cores.
#
#   scripts/long-validate.sh [STEPS]      (default 200)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${QTSIM_BUILD_DIR:-$top/build}
steps=${1:-200}
workload=workloads/fmnist-resnet-fixup.json
hw=workloads/hw/int8-fixup-16x16.json
[[ $steps =~ ^[0-9]+$ && $steps -gt 0 ]] || { echo "long-validate: STEPS must be a positive integer, got '$steps'" >&2; exit 2; }

"$top/scripts/install-deps.sh"
generator=()
command -v ninja >/dev/null && [ ! -f "$build/Makefile" ] && generator=(-G Ninja)
cmake -S "$top" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE="${QTSIM_BUILD_TYPE:-Release}" >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target qtsim >/dev/null
export SC_COPYRIGHT_MESSAGE=DISABLE
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$top"
command=(qtsim validate "$workload" --hw "$hw" --steps "$steps")
echo "long-validate: ${command[*]}" >&2
start=$(date +%s%N)
rc=0
"$build/qtsim" validate "$workload" --hw "$hw" --steps "$steps" --quiet --no-progress --out "$work" >"$work/stdout" 2>"$work/stderr" || rc=$?
wall=$(( ($(date +%s%N) - start + 500000000) / 1000000000 ))
tail -3 "$work/stdout"

# "step N: T tensors: E integer exact, I float identical, C float within tolerance, M mismatched; K cycles"
read -r done_steps tensors exact identical close mismatched < <(awk '
  /^step [0-9]+: [0-9]+ tensors:/ {n++; t+=$3; e+=$5; i+=$8; c+=$11; m+=$15}
  END {printf "%d %d %d %d %d %d\n", n, t, e, i, c, m}' "$work/stdout")
digest=$(sed -n 's/^hardware tensor digest: //p' "$work/stdout")
verdict=$([ "$rc" = 0 ] && grep -q "^validation passed" "$work/stdout" && echo passed || echo "FAILED (exit code $rc)")
mismatch=$(grep -m1 "^MISMATCH" "$work/stdout" || true)

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
results=docs/results/long-validation.md
{
  echo "# Long validation run"
  echo
  echo "\`scripts/long-validate.sh\` runs \`${command[*]}\`: the hardware model and the"
  echo "bit-exact reference train the same network on the same batches from the same seed, and every tensor"
  echo "of every step (activations, errors, gradients, updates, weights) is compared: integers exactly,"
  echo "floats within validate's default tolerance. Rewritten by each run."
  echo
  echo "## Last run"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| commit | $commit$dirty |"
  echo "| machine | $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end |"
  echo "| result | **$verdict** |"
  echo "| steps compared | $done_steps of $steps |"
  echo "| tensors compared | $tensors ($exact integer exact, $identical float identical, $close float within tolerance, $mismatched mismatched) |"
  echo "| hardware tensor digest | \`${digest:-none}\` |"
  echo "| wall time | $wall s |"
  [ -n "$mismatch" ] && echo "| first mismatch | $mismatch |"
  [ -s "$work/stderr" ] && echo "| stderr | $(head -3 "$work/stderr" | tr '\n|' ' /') |"
} >"$results"
echo "long-validate: $verdict, $tensors tensors in $done_steps steps, $wall s; recorded in $results" >&2
exit "$rc"
