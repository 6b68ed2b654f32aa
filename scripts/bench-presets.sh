#!/usr/bin/env bash
# Whether the scheme presets are the best-known configuration: a network
# imported with `--scheme int8-eoq` should train as well as the shipped
# Fashion-MNIST Fixup workload. Trains workloads/fmnist-resnet-fixup.json for
# 300 steps (seed 1) as shipped, with `--scheme int8-eoq` and with the
# published variant `--scheme int8-eoq-paper`, and writes each run's test
# accuracy and loss to docs/results/presets.md. The full-run figures are the
# accuracy benchmark's (scripts/bench-accuracy.sh, bench-accuracy-seeds.sh).
#
#   scripts/bench-presets.sh     (QTSIM_BUILD_DIR, QTSIM_BENCH_OUT, QTSIM_PRESET_STEPS=300)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=lib/accuracy-runs.sh
. "$top/scripts/lib/accuracy-runs.sh"
build=${QTSIM_BUILD_DIR:-$top/build}
out=${QTSIM_BENCH_OUT:-/tmp/qtsim-bench-presets}
steps=${QTSIM_PRESET_STEPS:-300}
[[ $steps =~ ^[1-9][0-9]*$ ]] || { echo "bench-presets: QTSIM_PRESET_STEPS must be a positive integer, got '$steps'" >&2; exit 2; }
build_qtsim
qtsim=$build/qtsim
workload=workloads/fmnist-resnet-fixup.json
rm -rf "$out"
mkdir -p "$out"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain -- models sim workloads 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)

rows=()
for run in "shipped|" "int8-eoq|--scheme int8-eoq" "int8-eoq-paper|--scheme int8-eoq-paper"; do
  label=${run%%|*}
  read -r -a extra <<<"${run#*|}"
  echo "== $label: qtsim train $workload --steps $steps --seed 1 ${extra[*]}" >&2
  start=$(date +%s.%N)
  "$qtsim" train "$workload" --steps "$steps" --seed 1 "${extra[@]}" --out "$out/$label" --no-progress >"$out/$label.log"
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  log=$out/$label/train_log.json
  row=$(python3 - "$log" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
s = log["scheme"]
last = log["epochs"][-1]
print(f'{s["name"]} (E {s["E"]["rounding"]}, W headroom {s["W"].get("headroom_sigmas", "-")} sigma)|'
      f'{last["test_accuracy"]:.2f} %|{last["test_loss"]:.4f}|{last["train_loss"]:.4f}')
PY
)
  IFS='|' read -r scheme acc loss train_loss <<<"$row"
  rows+=("$(printf '| %s | `%s` | %s | %s | %s | %s | %.0f s |' "$label" \
    "qtsim train $workload --steps $steps --seed 1${extra[*]:+ ${extra[*]}}" "$scheme" "$acc" "$loss" "$train_loss" "$wall")")
done

block=$(mktemp)
{
  echo "<!-- scripts/bench-presets: last run (rewritten by each run) -->"
  echo "Last run: $(date -u '+%Y-%m-%d %H:%M UTC') at $commit$dirty on $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
  echo
  echo "| run | command | scheme (as recorded in train_log.json) | test accuracy | test loss | train loss | wall |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo "<!-- scripts/bench-presets: end -->"
} >"$block"
"$top/scripts/record-results.sh" "$top/docs/results/presets.md" bench-presets "# Scheme presets: $steps steps of the Fashion-MNIST Fixup network" <"$block"
rm -f "$block"
cat "$top/docs/results/presets.md"
