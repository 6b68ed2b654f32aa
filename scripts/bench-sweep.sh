#!/usr/bin/env bash
# The sweep issue's acceptance figures, written to docs/results/sweep.md with
# the date, commit, machine and load average:
#   - the shipped ResNet-18 sweep (workloads/sweeps/resnet18-array-sram.json:
#     7 array sizes x 6 SRAM sizes x 3 dataflows x FP32-BN/int8-EOQ, 252
#     training-step points, timing mode) run from scratch with --jobs 2: wall
#     time, points per minute (target >= 60 on 2 cores), the CPU time of the
#     point processes, then `sweep collect` and its answer to FP32-BN vs int8-EOQ;
#   - the technology-node sweep (workloads/sweeps/resnet18-technology.json) the same way;
#   - sweep.html of the ResNet-18 sweep checked in headless chromium
#     (scripts/check-report-html.sh) and its top, the energy-latency Pareto
#     chart, saved as docs/images/sweep-pareto.png for the README.
# Wall times depend on what else the machine runs: the load average before and
# after each sweep is recorded; nothing here is asserted in a test.
#   scripts/bench-sweep.sh    (QTSIM_BUILD_DIR, QTSIM_BENCH_OUT, QTSIM_BENCH_JOBS=2)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${QTSIM_BUILD_DIR:-$top/build}
out=${QTSIM_BENCH_OUT:-/tmp/qtsim-bench-sweep}
jobs=${QTSIM_BENCH_JOBS:-2}
target=60
"$top/scripts/build.sh" >/dev/null
qtsim=$build/qtsim
rm -rf "$out"
mkdir -p "$out"
cd "$top"
load() { cut -d' ' -f1-3 /proc/loadavg; }
seconds() { echo "$2 - $1" | bc; }

# Runs a sweep from scratch and collects it; sets ${name}_wall, _rate, _ok,
# _failed, _load_before, _load_after, _cpu (of its point processes) and _answer.
run_sweep() {
  local name=$1 file=$2 dir=$out/$1 start end before after ok failed
  printf -v "${name}_load_before" '%s' "$(load)"
  before=$(times | sed -n 2p)
  start=$(date +%s.%N)
  "$qtsim" sweep "$file" --out "$dir" --jobs "$jobs" --no-progress >"$out/$name.log" || true
  end=$(date +%s.%N)
  after=$(times | sed -n 2p)  # the children's user and system time so far
  printf -v "${name}_load_after" '%s' "$(load)"
  read -r ok failed < <(sed -n 's/^done: \([0-9]*\) ok, \([0-9]*\) failed.*/\1 \2/p' "$out/$name.log")
  printf -v "${name}_ok" '%s' "$ok"
  printf -v "${name}_failed" '%s' "$failed"
  printf -v "${name}_wall" '%.1f' "$(echo "$end - $start" | bc)"
  printf -v "${name}_rate" '%.1f' "$(echo "scale=3; ($ok + $failed) * 60 / ($end - $start)" | bc)"
  printf -v "${name}_cpu" '%s' "$(python3 -c "
import re,sys
def s(t): return [float(m)*60+float(x) for m,x in re.findall(r'(\d+)m([\d.]+)s', t)]
b,a=s(sys.argv[1]),s(sys.argv[2]); print('%.1f s user, %.1f s system' % (a[0]-b[0], a[1]-b[1]))" "$before" "$after")"
  "$qtsim" sweep collect "$dir" >"$out/$name-collect.log"
  printf -v "${name}_answer" '%s' "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fp32_bn_vs_int8_eoq']['answer'])" "$dir/sweep.json")"
}

run_sweep resnet18 workloads/sweeps/resnet18-array-sram.json
fronts=$(python3 -c "
import json,sys
d=json.load(open(sys.argv[1])); pts={p['id']:p for p in d['points']}
for k,f in d['pareto'].items():
    best=pts[f['points'][0]]['parameters'] if f['points'] else {}
    print('- %s: %d points on the front; best %s at %s' % (k, len(f['points']), f['x'], ' '.join('%s=%s' % kv for kv in best.items())))
" "$out/resnet18/sweep.json")
run_sweep technology workloads/sweeps/resnet18-technology.json

html_status="passed"
mkdir -p docs/images
QTSIM_SCREENSHOT_HEIGHT=1350 scripts/check-report-html.sh "$out/resnet18/sweep.html" docs/images/sweep-pareto.png 3 \
  >"$out/html.log" 2>&1 || html_status="FAILED (see $out/html.log)"

met=$(echo "$resnet18_rate >= $target" | bc)
row() {  # name label
  local n=$1
  local ok=${n}_ok failed=${n}_failed wall=${n}_wall rate=${n}_rate lb=${n}_load_before la=${n}_load_after cpu=${n}_cpu
  echo "| $2 | $((${!ok} + ${!failed})) | ${!ok} | ${!failed} | ${!wall} s | ${!rate} | ${!cpu} | ${!lb} | ${!la} |"
}
{
  echo "<!-- scripts/bench-sweep: last run (everything up to the end marker is rewritten by the script) -->"
  echo "Last run: $(date -u +%Y-%m-%d) at $(git rev-parse --short HEAD 2>/dev/null || echo unknown) on $(nproc) CPU(s) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), \`--jobs $jobs\`, timing mode, from scratch."
  echo
  echo "| sweep | points run | ok | failed | wall time | points/min | CPU of the point processes | load before | load after |"
  echo "|---|---:|---:|---:|---:|---:|---|---|---|"
  row resnet18 resnet18-array-sram
  row technology resnet18-technology
  echo
  echo "Target: at least $target ResNet-18 training-step points per minute on 2 cores: $([ "$met" -eq 1 ] && echo met || echo "NOT met") ($resnet18_rate points/min)."
  echo
  echo "Commands: \`qtsim sweep workloads/sweeps/resnet18-array-sram.json --out DIR --jobs $jobs --no-progress\`, then \`qtsim sweep collect DIR\` (likewise for resnet18-technology.json)."
  echo
  echo "ResNet-18 sweep, Pareto fronts (the best point by the front's first objective):"
  echo
  echo "$fronts"
  echo
  echo "ResNet-18 sweep: $resnet18_answer"
  echo
  echo "Technology sweep: $technology_answer"
  echo
  echo "sweep.html in headless chromium (\`scripts/check-report-html.sh\`: 3 charts rendered, no console errors, self-contained): $html_status; screenshot of its top: [docs/images/sweep-pareto.png](../images/sweep-pareto.png)."
  echo "<!-- scripts/bench-sweep: end -->"
} | scripts/record-results.sh docs/results/sweep.md bench-sweep "# Sweep throughput (scripts/bench-sweep.sh)"
echo "bench-sweep: $resnet18_rate points/min ($resnet18_wall s for the ResNet-18 sweep); wrote docs/results/sweep.md, docs/images/sweep-pareto.png; sweeps in $out"
[ "$met" -eq 1 ] && [ "$html_status" = passed ]
