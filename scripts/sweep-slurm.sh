#!/usr/bin/env bash
# A qtsim sweep as a Slurm job array, all tasks writing into one output folder
# on a file system every node sees, then `qtsim sweep collect` once they end.
#
#   scripts/sweep-slurm.sh SWEEP.json OUT_DIR [TASKS] [sbatch options...]
#       submits TASKS array tasks (default 8) and a collect job that waits for
#       them (afterany: a failed task still gets its points collected), e.g.
#       scripts/sweep-slurm.sh workloads/sweeps/resnet18-array-sram.json /shared/r18 16 --cpus-per-task=4 --time=30
#
# Each array task runs this script again and executes
#   qtsim sweep SWEEP.json --out OUT_DIR --shard I/N --jobs $SLURM_CPUS_PER_TASK
# with I counted from 1 whatever --array starts at. Re-submitting the same
# command after a cancelled or timed-out job runs only the points without a
# result. QTSIM names the qtsim binary (default: build/qtsim of this checkout).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
qtsim=${QTSIM:-$top/build/qtsim}

if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  # An array task: its slice of the points, as many at a time as it has CPUs.
  sweep=${1:?} out=${2:?}
  index=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-1} + 1))
  exec "$qtsim" sweep "$sweep" --out "$out" --shard "$index/${SLURM_ARRAY_TASK_COUNT:?}" \
    --jobs "${SLURM_CPUS_PER_TASK:-1}" --no-progress
fi
if [ "${QTSIM_SWEEP_COLLECT:-}" = 1 ]; then
  exec "$qtsim" sweep collect "${2:?}"
fi

[ $# -ge 2 ] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
sweep=$1 out=$2
tasks=${3:-8}
shift $(($# >= 3 ? 3 : 2))
command -v sbatch >/dev/null || { echo "sweep-slurm: no sbatch here (run it on a Slurm login node)" >&2; exit 1; }
[[ "$tasks" =~ ^[1-9][0-9]*$ ]] || { echo "sweep-slurm: TASKS must be a positive number, not '$tasks'" >&2; exit 2; }
# The sweep file is checked (and the plan written) before anything is queued.
"$qtsim" sweep "$sweep" --out "$out" --list >/dev/null
mkdir -p "$out/slurm"
array=$(sbatch --parsable --job-name=qtsim-sweep --array="1-$tasks" --output="$out/slurm/task-%A_%a.log" "$@" \
  "$0" "$sweep" "$out")
collect=$(sbatch --parsable --job-name=qtsim-sweep-collect --dependency="afterany:${array%%;*}" \
  --output="$out/slurm/collect-%j.log" --export=ALL,QTSIM_SWEEP_COLLECT=1 "$0" "$sweep" "$out")
echo "sweep-slurm: array job $array ($tasks tasks), then collect job $collect; results in $out/sweep.html"
