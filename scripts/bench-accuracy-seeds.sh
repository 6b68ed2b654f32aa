#!/usr/bin/env bash
# The accuracy benchmark across seeds: trains the int8-eoq, fp32-bn
# and fp32-fixup workloads of scripts/bench-accuracy.sh with each seed given,
# and writes every run's per-epoch figures, the int8-eoq vs fp32-bn gap per seed
# and its mean to docs/results/accuracy-seeds.md and accuracy-seeds.json.
# A single run is noisier than the 1.5-point margin (int8-eoq's accuracy moves by
# most of a point between seeds), so the target is judged on every seed.
#
#   scripts/bench-accuracy-seeds.sh               seeds 1 2 3 (9 runs)
#   scripts/bench-accuracy-seeds.sh 1 2 3 4 5     the seeds given
#   QTSIM_SEEDS_LABELS="int8-eoq fp32-bn"          the labels to run (default: int8-eoq fp32-bn fp32-fixup)
#   QTSIM_BENCH_JOBS=2 QTSIM_BENCH_THREADS=1       two runs at a time, one thread each (the default)
#   QTSIM_BENCH_OUT=DIR                             where runs write (default: out/bench-accuracy-seeds)
#   QTSIM_BENCH_ARGS="--steps 20"                   extra train arguments (a quick smoke run of this script)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=lib/accuracy-runs.sh
. "$top/scripts/lib/accuracy-runs.sh"

seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3)
for s in "${seeds[@]}"; do
  [[ $s =~ ^[0-9]+$ ]] || { echo "bench-accuracy-seeds: a seed is a non-negative integer, got '$s'" >&2; exit 2; }
done
read -r -a labels <<<"${QTSIM_SEEDS_LABELS:-int8-eoq fp32-bn fp32-fixup}"
for l in "${labels[@]}"; do
  [ -n "$(accuracy_workload "$l")" ] || { echo "bench-accuracy-seeds: unknown label '$l' (see scripts/lib/accuracy-runs.sh)" >&2; exit 2; }
done
jobs=${QTSIM_BENCH_JOBS:-2}
threads=${QTSIM_BENCH_THREADS:-1}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "bench-accuracy-seeds: QTSIM_BENCH_JOBS must be a positive integer, got '$jobs'" >&2; exit 2; }
out_root=${QTSIM_BENCH_OUT:-$top/out/bench-accuracy-seeds}
results=$top/docs/results
build=${QTSIM_BUILD_DIR:-$top/build}
build_qtsim
qtsim=$build/qtsim
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$top" status --porcelain -- models sim workloads 2>/dev/null | grep -q . && echo " (with uncommitted changes to models/sim/workloads)" || true)
mkdir -p "$results" "$out_root"

# Phase 1: every label x seed, $jobs at a time; each writes its log and wall time.
running=0
for seed in "${seeds[@]}"; do
  for label in "${labels[@]}"; do
    workload=$(accuracy_workload "$label")
    name=$label-seed$seed
    rm -rf "${out_root:?}/$name" "$out_root/$name.time"
    echo "== $name: $qtsim train $workload --seed $seed --threads $threads --out $out_root/$name" >&2
    (
      TIMEFORMAT='%R'
      # shellcheck disable=SC2086
      { time "$qtsim" train "$workload" --seed "$seed" --threads "$threads" --no-progress --out "$out_root/$name" \
          ${QTSIM_BENCH_ARGS:-} >"$out_root/$name.log" 2>&1; } 2>"$out_root/$name.time.tmp" &&
        mv "$out_root/$name.time.tmp" "$out_root/$name.time"
    ) &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
  done
done
wait

# Phase 2: collect. A run that did not finish stops the script (its log is shown).
declare -A acc
rows_json=()
rows_md=()
for seed in "${seeds[@]}"; do
  for label in "${labels[@]}"; do
    name=$label-seed$seed
    log=$out_root/$name/train_log.json
    [ -f "$out_root/$name.time" ] && [ -f "$log" ] || { cat "$out_root/$name.log" >&2; echo "bench-accuracy-seeds: $name did not finish (log above)" >&2; exit 1; }
    wall=$(cat "$out_root/$name.time")
    a=$(last_number test_accuracy "$log" || true)
    [ -n "$a" ] || { echo "bench-accuracy-seeds: $name has no test accuracy in $log (was --no-eval in QTSIM_BENCH_ARGS?)" >&2; exit 1; }
    acc[$label,$seed]=$a
    epochs=$(grep -c '"epoch":' "$log")
    per_epoch=$(grep -o '"test_accuracy": [-0-9.eE+]*' "$log" | sed 's/.*: //' | paste -sd, -)
    train_loss=$(last_number train_loss "$log")
    test_loss=$(last_number test_loss "$log")
    rows_json+=("$(printf '{"label": "%s", "seed": %s, "workload": "%s", "epochs": %s, "test_accuracy": %s, "final_train_loss": %s, "final_test_loss": %s, "test_accuracy_per_epoch": [%s], "wall_seconds": %s}' \
      "$label" "$seed" "$(accuracy_workload "$label")" "$epochs" "$a" "$train_loss" "$test_loss" "$per_epoch" "$wall")")
    rows_md+=("$(printf '| %s | %s | %s | %.4f | %.4f | **%.2f %%** | %.0f s |' "$label" "$seed" "$epochs" \
      "$train_loss" "$test_loss" "$a" "$wall")")
  done
done

# The target, per seed and on average (only when both int8-eoq and fp32-bn ran).
gaps=()
summary=()
if [ -n "${acc[int8-eoq,${seeds[0]}]:-}" ] && [ -n "${acc[fp32-bn,${seeds[0]}]:-}" ]; then
  for seed in "${seeds[@]}"; do
    gap=$(awk -v a="${acc[fp32-bn,$seed]}" -v b="${acc[int8-eoq,$seed]}" 'BEGIN { printf "%.2f", a - b }')
    gaps+=("$gap")
    ok=$(awk -v g="$gap" 'BEGIN { print (g <= 1.5) ? "within 1.5" : "NOT within 1.5" }')
    summary+=("- seed $seed: fp32-bn ${acc[fp32-bn,$seed]} % − int8-eoq ${acc[int8-eoq,$seed]} % = **$gap** points ($ok)")
  done
  stats=$(printf '%s\n' "${gaps[@]}" | awk '{ s += $1; if (NR == 1 || $1 > mx) mx = $1; if (NR == 1 || $1 < mn) mn = $1 }
    END { printf "%.2f %.2f %.2f", s / NR, mn, mx }')
  read -r mean_gap min_gap max_gap <<<"$stats"
  every=$(awk -v m="$max_gap" 'BEGIN { print (m <= 1.5) ? "met for every seed" : "NOT met for every seed" }')
  summary+=("" "Gap over ${#seeds[@]} seeds: mean **$mean_gap**, smallest $min_gap, largest $max_gap points: the 1.5-point target is **$every**.")
fi

date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
tmp_json=$(mktemp "$results/.accuracy-seeds.json.XXXXXX")
tmp_md=$(mktemp "$results/.accuracy-seeds.md.XXXXXX")
trap 'rm -f "$tmp_json" "$tmp_md"' EXIT
{
  printf '{\n  "date": "%s",\n  "commit": "%s%s",\n  "machine": {"nproc": %s, "cpu": "%s"},\n  "threads": %s,\n  "parallel_runs": %s,\n  "runs": [\n' \
    "$date" "$commit" "$dirty" "$(nproc)" "$cpu_model" "$threads" "$jobs"
  json_rows_and_close "${rows_json[@]}"
} >"$tmp_json"
{
  echo "# Accuracy across seeds (int8-eoq vs fp32-bn)"
  echo
  echo "Written by \`scripts/bench-accuracy-seeds.sh ${seeds[*]}\` (raw numbers and per-epoch test"
  echo "accuracy: [accuracy-seeds.json](accuracy-seeds.json)). The workloads of [accuracy.md](accuracy.md),"
  echo "each trained with \`qtsim train WORKLOAD --seed S --threads $threads\` ($jobs run(s) at a time) on"
  echo "the full Fashion-MNIST training set and evaluated on the test set. The seed sets"
  echo "the initial weights, the data order and the stochastic-rounding stream."
  echo
  echo "- written: $date, commit $commit$dirty"
  echo "- machine: $(nproc) cores, $cpu_model"
  echo
  echo "| run | seed | epochs | final train loss | final test loss | test accuracy | wall |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows_md[@]}"
  if [ ${#summary[@]} -gt 0 ]; then
    echo
    echo "Gap fp32-bn − int8-eoq per seed:"
    echo
    printf '%s\n' "${summary[@]}"
  fi
} >"$tmp_md"
mv "$tmp_json" "$results/accuracy-seeds.json"
mv "$tmp_md" "$results/accuracy-seeds.md"
trap - EXIT
echo "results: $results/accuracy-seeds.md, $results/accuracy-seeds.json" >&2
cat "$results/accuracy-seeds.md"
