#!/usr/bin/env bash
# Every verb stops on Ctrl-C. Interrupts each verb (train, validate,
# simulate with a workload and a trace, simulate with SCALE-Sim inputs, report,
# compare) at random moments, $QTSIM_INTERRUPT_RUNS times per verb (default
# 20), alternating SIGINT and SIGTERM, and checks each time that it exits with
# 128 + the signal within 2 s and that the files it left agree with each other
# (scripts/lib/check-output-set.py: no temporaries; a set's marker file either
# absent with nothing of its set, or present with every sibling, counts and
# partial marks consistent). The moment is drawn uniformly from the verb's
# whole run, measured first with an uninterrupted run; a run that finished
# before its signal does not count and is drawn again. Writes
# docs/results/interrupts.md. Exit status 1 if any interrupted run failed.
#   scripts/interrupt-stress.sh       (QTSIM_BUILD_DIR, QTSIM_INTERRUPT_RUNS)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${QTSIM_BUILD_DIR:-$top/build}
runs=${QTSIM_INTERRUPT_RUNS:-20}
qtsim=$build/qtsim
check=$top/scripts/lib/check-output-set.py
export SC_COPYRIGHT_MESSAGE=DISABLE
QTSIM_EXTRA_PACKAGES="python3" "$top/scripts/install-deps.sh"
[ -x "$qtsim" ] || "$top/scripts/build.sh" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$top"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# SCALE-Sim inputs: 6 layers of 114x114x128 on an 8x8 array with USER bandwidth
# (about 11 s, most of it the scratchpad model: interrupts land inside a layer).
printf '%s\n' "[general]" "run_name = many_rows" "[architecture_presets]" "ArrayHeight: 8" "ArrayWidth: 8" \
  "IfmapSramSzkB: 64" "FilterSramSzkB: 64" "OfmapSramSzkB: 64" "IfmapOffset: 0" "FilterOffset: 10000000" \
  "OfmapOffset: 20000000" "Bandwidth: 10" "Dataflow: os" "MemoryBanks: 1" "[run_presets]" "InterfaceBandwidth: USER" \
  >"$work/many.cfg"
{
  echo "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,"
  for i in $(seq 0 5); do echo "L$i,114,114,3,3,128,128,1,"; done
} >"$work/many.csv"
# report's input: a long ResNet-50 run.
"$qtsim" simulate workloads/resnet50-imagenet-bn.json --hw workloads/hw/fp32-bn-32x32.json --mode timing --steps 20 \
  --no-progress --out "$work/r50" >/dev/null

# VERB: the command (run in $top), with OUT and EXTRA for the checker.
command_for() {  # VERB OUT -> sets cmd (array) and extra
  local out=$2
  extra=""
  case $1 in
    train) cmd=(train workloads/fmnist-cnn.json --steps 30 --out "$out" --dump "$out-dump" --no-progress); extra=$out-dump ;;
    validate) cmd=(validate workloads/fmnist-cnn.json --hw workloads/hw/int8-fixup-8x8.json --steps 4 --quiet --no-progress --out "$out") ;;
    simulate) cmd=(simulate workloads/fmnist-resnet-fixup.json --hw workloads/hw/int8-fixup-8x8.json --steps 3 --no-progress
                   --out "$out" --trace "$out.vcd"); extra=$out.vcd ;;
    scalesim) cmd=(simulate --scalesim-cfg "$work/many.cfg" --topology "$work/many.csv" --out "$out"); extra=$work/many.csv ;;
    report) cmd=(report "$work/r50" --out "$out"); extra=$work/r50 ;;
    compare) cmd=(compare workloads/resnet50-imagenet-bn.json --out "$out" --no-progress) ;;
  esac
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}'; }  # seconds since $1
less_than() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a < b)}'; }
table=$work/table.md
failures=0
for verb in train validate simulate scalesim report compare; do
  # The verb's whole run, uninterrupted.
  command_for "$verb" "$work/full-$verb"
  t0=$(now)
  "$qtsim" "${cmd[@]}" >"$work/full-$verb.log" 2>&1 || { echo "interrupt-stress: $verb failed uninterrupted" >&2; cat "$work/full-$verb.log" >&2; exit 1; }
  full=$(since "$t0")
  python3 "$check" "$verb" "$work" "$work/full-$verb" $extra >&2 || { echo "interrupt-stress: $verb's complete outputs disagree" >&2; exit 1; }
  interrupted=0 finished_first=0 right_code=0 consistent=0 int_runs=0 term_runs=0 worst=0 times=()
  attempt=0
  while [ "$interrupted" -lt "$runs" ] && [ "$attempt" -lt $((runs * 3)) ]; do
    attempt=$((attempt + 1))
    rm -rf "$work/run" "$work/run-dump" "$work/run.vcd"
    command_for "$verb" "$work/run"
    delay=$(awk -v full="$full" -v seed="$RANDOM" 'BEGIN {srand(seed); printf "%.3f", 0.05 + rand() * (full - 0.05)}')
    if [ $((attempt % 2)) -eq 0 ]; then sig=TERM signum=15; else sig=INT signum=2; fi
    "$qtsim" "${cmd[@]}" >"$work/run.log" 2>&1 &
    pid=$!
    sleep "$delay"
    if ! kill -"$sig" "$pid" 2>/dev/null; then
      wait "$pid" || true
      finished_first=$((finished_first + 1))
      continue
    fi
    sent=$(now)
    rc=0
    wait "$pid" || rc=$?
    took=$(since "$sent")
    if [ "$rc" -eq 0 ]; then  # it finished between the check and the signal
      finished_first=$((finished_first + 1))
      continue
    fi
    interrupted=$((interrupted + 1))
    [ "$sig" = INT ] && int_runs=$((int_runs + 1)) || term_runs=$((term_runs + 1))
    times+=("$took")
    less_than "$worst" "$took" && worst=$took
    ok_code=0
    if [ "$rc" -eq $((128 + signum)) ] && less_than "$took" 2; then
      right_code=$((right_code + 1)) ok_code=1
    fi
    if python3 "$check" "$verb" "$work" "$work/run" ${extra} >"$work/check.txt"; then
      consistent=$((consistent + 1))
    else
      ok_code=0
    fi
    if [ "$ok_code" -eq 0 ]; then
      failures=$((failures + 1))
      echo "interrupt-stress: $verb SIG$sig after ${delay}s: exit $rc in ${took}s" >&2
      cat "$work/check.txt" "$work/run.log" >&2
    fi
  done
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print 0}')
  printf '| %s | %.1f s | %d (%d SIGINT, %d SIGTERM) | %d | %d | %.3f s | %.3f s | %d |\n' "$verb" "$full" "$interrupted" \
    "$int_runs" "$term_runs" "$right_code" "$consistent" "$median" "$worst" "$finished_first" >>"$table"
  echo "interrupt-stress: $verb: $interrupted interrupted, $right_code exited 128+signal within 2 s, $consistent consistent" >&2
  [ "$interrupted" -eq "$runs" ] || { echo "interrupt-stress: $verb: only $interrupted runs were interrupted" >&2; failures=$((failures + 1)); }
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "<!-- scripts/interrupt-stress: last run (regenerated; notes outside this block are kept) -->"
  echo "Last run: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown),"
  echo "$(nproc) CPUs, load average $load_start at the start and $load_end at the end; $runs interrupted runs per verb."
  echo
  echo "| verb | uninterrupted run | interrupted runs | exit 128+signal within 2 s | consistent outputs | median time to exit | slowest | finished before the signal (not counted) |"
  echo "|---|---|---|---|---|---|---|---|"
  cat "$table"
  echo
  echo "Result: $([ "$failures" -eq 0 ] && echo "every interrupted run exited with 128 + its signal within 2 s and left consistent outputs" || echo "$failures FAILED run(s)")."
  echo "<!-- scripts/interrupt-stress: end -->"
} | "$top/scripts/record-results.sh" "$top/docs/results/interrupts.md" interrupt-stress "# Interrupting every verb"
cat "$top/docs/results/interrupts.md"
[ "$failures" -eq 0 ]
