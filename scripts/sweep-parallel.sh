#!/usr/bin/env bash
# A qtsim sweep run by GNU parallel (Debian package `parallel`), on this
# machine or -- with --sshloginfile and a folder every machine sees -- on many:
#
#   scripts/sweep-parallel.sh SWEEP.json OUT_DIR [SHARDS] [parallel options...]
#       SHARDS slices (default: 2), one `qtsim sweep --shard I/SHARDS` each, one
#       folder each (OUT_DIR/shard-I), merged by `qtsim sweep collect` into OUT_DIR
#   scripts/sweep-parallel.sh SWEEP.json OUT_DIR points [parallel options...]
#       one job per point (`qtsim sweep --list` feeds `--point ID`), all in
#       OUT_DIR: parallel balances the load point by point
#
# e.g. scripts/sweep-parallel.sh workloads/sweeps/resnet18-technology.json /tmp/tech 4 --jobs 2
#      scripts/sweep-parallel.sh S.json /shared/out points --sshloginfile hosts.txt --workdir .
# Running it again runs only the points without a result. QTSIM names the
# qtsim binary (default: build/qtsim of this checkout).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
qtsim=${QTSIM:-$top/build/qtsim}
[ $# -ge 2 ] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
sweep=$1 out=$2
mode=${3:-2}
shift $(($# >= 3 ? 3 : 2))
command -v parallel >/dev/null || { echo "sweep-parallel: GNU parallel is missing (apt-get install parallel)" >&2; exit 1; }

if [ "$mode" = points ]; then
  # Plans once (checking the sweep file), then one point per job.
  "$qtsim" sweep "$sweep" --out "$out" --list | cut -f1 |
    parallel --will-cite "$@" "$qtsim" sweep "$sweep" --out "$out" --point {} || status=$?
  "$qtsim" sweep collect "$out"
  exit "${status:-0}"
fi

[[ "$mode" =~ ^[1-9][0-9]*$ ]] || { echo "sweep-parallel: SHARDS must be a positive number or 'points', not '$mode'" >&2; exit 2; }
"$qtsim" sweep "$sweep" --list >/dev/null  # a bad sweep file stops here, before any job starts
folders=()
for i in $(seq "$mode"); do folders+=("$out/shard-$i"); done
seq "$mode" | parallel --will-cite --line-buffer "$@" \
  "$qtsim" sweep "$sweep" --out "$out/shard-{}" --shard "{}/$mode" --jobs 1 --no-progress || status=$?
"$qtsim" sweep collect "${folders[@]}" --out "$out"
exit "${status:-0}"
