#!/usr/bin/env bash
# Accuracy benchmark of the training reference: trains each workload
# below on the full Fashion-MNIST training set, evaluates on the test set, and
# writes the measured test accuracy, final training loss, steps, wall and CPU
# time to docs/results/accuracy.md and docs/results/accuracy.json.
#
#   scripts/bench-accuracy.sh                 all runs (about an hour on 2 cores)
#   scripts/bench-accuracy.sh int8-eoq        only the named runs (labels below); the
#                                             other labels' rows of the previous files are kept
#   scripts/bench-accuracy.sh none            no run: rewrite the files from the recorded rows
#   QTSIM_BENCH_THREADS=1 scripts/bench-accuracy.sh   worker threads per run (default: nproc)
#   QTSIM_BENCH_JOBS=2 QTSIM_BENCH_THREADS=1 ...      two runs at a time, one core each (the
#                                             Fashion-MNIST ResNet-8 gains little from a second thread)
#   QTSIM_BENCH_OUT=DIR                        where runs write (default: out/bench-accuracy)
#   QTSIM_BENCH_ARGS="--steps 20"              extra train arguments (a quick smoke run of this script)
#
# Targets: int8-eoq >= 89 % and within 1.5 points of fp32-bn trained
# with the same budget; each run <= 15 minutes of wall time on a 2-core machine.
# Wall times depend on whatever else the machine runs, so CPU time is recorded too.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# shellcheck source=lib/accuracy-runs.sh
. "$top/scripts/lib/accuracy-runs.sh"
runs=("${accuracy_runs[@]}")
wanted=("$@")
threads=${QTSIM_BENCH_THREADS:-$(nproc)}
out_root=${QTSIM_BENCH_OUT:-$top/out/bench-accuracy}
results=$top/docs/results

# Only the tool is needed: install what is missing, configure once, build qtsim.
build=${QTSIM_BUILD_DIR:-$top/build}
build_qtsim
qtsim=$build/qtsim

mkdir -p "$results" "$out_root"
# A run of some labels keeps the other labels' rows of the previous files (each
# row says the date and commit it was measured at), so runs can be made one at a time.
old_json=$(cat "$results/accuracy.json" 2>/dev/null || true)
old_md=$(cat "$results/accuracy.md" 2>/dev/null || true)
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$top" status --porcelain -- models sim workloads 2>/dev/null | grep -q . && echo " (with uncommitted changes to models/sim/workloads)" || true)
jobs=${QTSIM_BENCH_JOBS:-1}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "bench-accuracy: QTSIM_BENCH_JOBS must be a positive integer, got '$jobs'" >&2; exit 2; }
selected() { [ ${#wanted[@]} -eq 0 ] || [[ " ${wanted[*]} " =~ " $1 " ]]; }

# Phase 1: the selected runs, up to $jobs at a time. Each writes its log, its
# time (wall user sys) and the date and load average at its end.
running=0
ran=0
for run in "${runs[@]}"; do
  read -r label workload <<<"$run"
  selected "$label" || continue
  ran=$((ran + 1))
  out=$out_root/$label
  rm -rf "$out" "$out_root/$label.end"
  echo "== $label: $qtsim train $workload --threads $threads --out $out" >&2
  (
    TIMEFORMAT='%R %U %S'
    # shellcheck disable=SC2086
    { time "$qtsim" train "$workload" --threads "$threads" --no-progress --out "$out" ${QTSIM_BENCH_ARGS:-} \
        >"$out_root/$label.log" 2>&1; } 2>"$out_root/$label.time"
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $(cut -d' ' -f1-3 /proc/loadavg)" >"$out_root/$label.end"
  ) &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait

# Phase 2: rows in the table's order; labels not run keep their previous rows.
rows_json=()
rows_md=()
for run in "${runs[@]}"; do
  read -r label workload <<<"$run"
  if ! selected "$label"; then
    prev_json=$(grep -F "{\"label\": \"$label\"," <<<"$old_json" | sed 's/^ *//; s/,$//' || true)
    prev_md=$(grep -F "| $label | " <<<"$old_md" || true)
    if [ -n "$prev_json" ] && [ -n "$prev_md" ]; then rows_json+=("$prev_json"); rows_md+=("$prev_md"); fi
    continue
  fi
  out=$out_root/$label
  echo "== $label:" >&2
  cat "$out_root/$label.log" >&2
  [ -f "$out_root/$label.end" ] && [ -f "$out/train_log.json" ] || { echo "bench-accuracy: $label did not finish (log above)" >&2; exit 1; }
  read -r wall user sys <"$out_root/$label.time"
  read -r run_date run_load <"$out_root/$label.end"
  log=$out/train_log.json
  acc=$(last_number test_accuracy "$log")
  loss=$(last_number train_loss "$log")
  steps=$(last_number steps_run "$log")
  epochs=$(grep -c '"epoch":' "$log")
  batch=$(first_number batch_size "$log")
  scheme=$(grep -o '"name": "[^"]*"' "$log" | head -1 | sed 's/.*: "//; s/"//')
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
  per_step=$(awk -v w="$wall" -v n="$steps" 'BEGIN { printf "%.3f", w / n }')
  cpu_per_step=$(awk -v c="$cpu" -v n="$steps" 'BEGIN { printf "%.3f", c / n }')
  rows_json+=("$(printf '{"label": "%s", "workload": "%s", "scheme": "%s", "epochs": %s, "batch_size": %s, "steps": %s, "test_accuracy": %s, "final_train_loss": %s, "wall_seconds": %s, "cpu_seconds": %s, "seconds_per_step": %s, "cpu_seconds_per_step": %s, "threads": %s, "parallel_runs": %s, "date": "%s", "commit": "%s%s", "load_average_at_end": "%s"}' \
    "$label" "$workload" "$scheme" "$epochs" "$batch" "$steps" "$acc" "$loss" "$wall" "$cpu" "$per_step" "$cpu_per_step" "$threads" "$jobs" "$run_date" "$commit" "$dirty" "$run_load")")
  rows_md+=("$(printf '| %s | `%s` | %s | %s × %s | %s | **%.2f %%** | %.4f | %.0f s (%.1f min) | %.0f s | %s | %s | %s, %s%s, load %s |' \
    "$label" "$workload" "$scheme" "$epochs" "$batch" "$steps" "$acc" "$loss" "$wall" "$(awk -v w="$wall" 'BEGIN{print w/60}')" "$cpu" "$per_step" "$cpu_per_step" "$run_date" "$commit" "$dirty" "$run_load")")
done

# Machine and load: wall times on a shared machine say as much about the load as about qtsim.
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load=$(cut -d' ' -f1-3 /proc/loadavg)

{
  printf '{\n  "date": "%s",\n  "commit": "%s%s",\n  "machine": {"nproc": %s, "cpu": "%s", "load_average_at_end": "%s"},\n  "threads": %s,\n  "runs": [\n' \
    "$date" "$commit" "$dirty" "$(nproc)" "$cpu_model" "$load" "$([ "$ran" -gt 0 ] && echo "$threads" || echo null)"
  json_rows_and_close "${rows_json[@]}"
} >"$results/accuracy.json"

# Targets, checked on the runs of this invocation.
value_of() {  # value_of LABEL FIELD -> the field of that run's JSON row
  for r in "${rows_json[@]}"; do
    case "$r" in *"\"label\": \"$1\""*) echo "$r" | grep -o "\"$2\": [-0-9.eE+]*" | sed 's/.*: //'; return ;; esac
  done
}
targets=()
eoq=$(value_of int8-eoq test_accuracy)
bn=$(value_of fp32-bn test_accuracy)
verdict() { awk "BEGIN { exit !($1) }" && echo met || echo "NOT met"; }
if [ -n "$eoq" ]; then targets+=("- int8-eoq test accuracy ≥ 89 %: $eoq % — $(verdict "$eoq >= 89")"); fi
if [ -n "$eoq" ] && [ -n "$bn" ]; then
  gap=$(awk -v a="$bn" -v b="$eoq" 'BEGIN { printf "%.2f", a - b }')
  targets+=("- int8-eoq within 1.5 points of fp32-bn (same epochs and batch): fp32-bn $bn %, gap $gap points — $(verdict "$gap <= 1.5") for these runs (one seed each; other seeds: accuracy-seeds.md)")
fi
for r in "${rows_json[@]}"; do
  label=$(echo "$r" | grep -o '"label": "[^"]*"' | sed 's/.*: "//; s/"//')
  wall=$(echo "$r" | grep -o '"wall_seconds": [0-9.]*' | sed 's/.*: //')
  cpu=$(echo "$r" | grep -o '"cpu_seconds": [0-9.]*' | sed 's/.*: //')
  targets+=("- $label ≤ 15 minutes wall: $(awk -v w="$wall" 'BEGIN { printf "%.1f", w / 60 }') min (CPU $(awk -v c="$cpu" 'BEGIN { printf "%.1f", c / 60 }') min) — $(verdict "$wall <= 900")")
done

{
  echo "# Accuracy benchmark"
  echo
  echo "Written by \`scripts/bench-accuracy.sh\` (raw numbers: [accuracy.json](accuracy.json)): each"
  echo "workload trained on the full Fashion-MNIST training set (60000 images) and"
  echo "evaluated on the test set (10000) after its last epoch."
  echo
  echo "- written: $date, commit $commit$dirty (each row gives its own date and commit: a run of some labels keeps the other rows)"
  echo "- machine: $(nproc) cores, $cpu_model; load average at the end: $load"
  if [ "$ran" -gt 0 ]; then invocation="$threads thread(s), $jobs run(s) at a time"; else invocation="no runs, rows kept"; fi
  echo "- worker threads per run and runs at a time: see accuracy.json (this invocation: $invocation)"
  echo
  echo "| run | workload | scheme | epochs × batch | steps | test accuracy | final train loss | wall | CPU | s/step | CPU s/step | measured (UTC), commit, load average at end |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows_md[@]}"
  echo
  echo "Targets:"
  echo
  printf '%s\n' "${targets[@]}"
  echo
  echo "Wall time is the run's elapsed time (data loading, training, test-set"
  echo "evaluation after each epoch, checkpoint); CPU time is the user + system time"
  echo "of all its threads. On a machine shared with other work, wall time exceeds"
  echo "CPU time by however much the run had to wait for a core."
  # Hand-written notes on the runs (tuning, caveats), kept across re-runs.
  if [ -f "$results/accuracy-notes.md" ]; then echo; cat "$results/accuracy-notes.md"; fi
} >"$results/accuracy.md"

echo "results: $results/accuracy.md, $results/accuracy.json" >&2
cat "$results/accuracy.md"
