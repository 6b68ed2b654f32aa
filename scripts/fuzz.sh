#!/usr/bin/env bash
# Fuzzes the input loaders: builds the libFuzzer targets of
# tests/fuzz with clang, ASan and UBSan into build-fuzz/ and runs each, one
# after another, for SECONDS (default 600), starting from the kept corpus
# (tests/fuzz/corpus/<target>), the regression inputs (tests/fuzz/regressions/
# <target>) and seeds taken from the repository's inputs. Prints each target's
# executions; exits 1 on any crash, hang (one input over 10 s), out-of-memory
# (over 2 GiB) or sanitizer report, the reproducer saved in build-fuzz/findings/.
#
#   scripts/fuzz.sh [SECONDS]
#   QTSIM_FUZZ_RECORD=0     a check only (CI): the corpora and docs/results/fuzzing.md stay as they are
#   QTSIM_FUZZ_TARGETS="workload hw_config"   a subset
#
# Otherwise each corpus is replaced by the coverage-minimal merge (-merge=1) of
# itself, the new inputs and the seeds, and the run is recorded in
# docs/results/fuzzing.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
record=${QTSIM_FUZZ_RECORD:-1}
build=${QTSIM_FUZZ_BUILD_DIR:-$top/build-fuzz}
targets=(${QTSIM_FUZZ_TARGETS:-workload hw_config tech_table scalesim_cfg scalesim_topology})
cxx=${QTSIM_FUZZ_CXX:-clang++-14}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "fuzz: SECONDS must be a positive integer, got '$seconds'" >&2; exit 2; }

QTSIM_EXTRA_PACKAGES="${QTSIM_EXTRA_PACKAGES:-} clang-14 libclang-rt-14-dev" "$top/scripts/install-deps.sh"
generator=()
command -v ninja >/dev/null && [ ! -f "$build/Makefile" ] && generator=(-G Ninja)
cmake -S "$top" -B "$build" "${generator[@]}" -DQTSIM_FUZZ=ON -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQTSIM_NATIVE=OFF >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]/#/fuzz_}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Seeds: the repository's valid inputs and the malformed-input corpora.
seeds_of() {
  case $1 in
    workload) echo "$top"/workloads/*.json "$top"/tests/input/corpus/*.json "$top"/tests/malformed/cases/workload_*/*.json ;;
    hw_config) echo "$top"/workloads/hw/*.json "$top"/workloads/hw/examples/*.json "$top"/tests/hwconfig/corpus/*.json \
                    "$top"/tests/hwconfig/extends/*.json "$top"/tests/malformed/cases/hw_*/*.json ;;
    tech_table) echo "$top"/workloads/tech/*.json "$top"/tests/cost/corpus/*.json ;;
    scalesim_cfg) echo "$top"/tests/scalesim/*.cfg "$top"/tests/malformed/cases/scalesim_*/*.cfg ;;
    scalesim_topology) echo "$top"/tests/scalesim/*.csv "$top"/tests/malformed/cases/scalesim_*/*.csv ;;
  esac
}

commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
rows=()
failed=0
for t in "${targets[@]}"; do
  corpus=$top/tests/fuzz/corpus/$t
  regressions=$top/tests/fuzz/regressions/$t
  mkdir -p "$corpus" "$work/$t/seeds" "$work/$t/new" "$work/$t/artifacts"
  for f in $(seeds_of "$t"); do
    [ -f "$f" ] && cp "$f" "$work/$t/seeds/$(echo "${f#$top/}" | tr / _)"
  done
  dirs=("$work/$t/new" "$corpus" "$work/$t/seeds")
  [ -d "$regressions" ] && dirs+=("$regressions")
  log=$work/$t/log
  start=$(date +%s)
  rc=0
  timeout --signal=KILL $((seconds + 600)) "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  elapsed=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  execs=${execs:-0}
  finding=none
  if [ "$rc" -ne 0 ]; then
    failed=1
    mkdir -p "$build/findings/$t"
    cp "$work/$t/artifacts/"* "$build/findings/$t/" 2>/dev/null || true
    cp "$log" "$build/findings/$t/log.txt"
    finding=$(grep -m1 -E "ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error:|SUMMARY:" "$log" || echo "exit code $rc")
    echo "fuzz: $t: FINDING after ${elapsed} s: $finding" >&2
    echo "fuzz: reproducer and log in $build/findings/$t/" >&2
    grep -E -A12 "==ERROR|runtime error:|deadly signal|uncaught exception|terminate called" "$log" | head -40 >&2 || tail -20 "$log" >&2
  elif [ "$record" = 1 ]; then
    merged=$work/$t/merged
    mkdir -p "$merged"
    "$build/tests/fuzz/fuzz_$t" -merge=1 -timeout=10 -rss_limit_mb=2048 "$merged" "$corpus" "$work/$t/new" "$work/$t/seeds" \
      >"$work/$t/merge.log" 2>&1
    rm -f "$corpus"/*
    cp "$merged"/* "$corpus"/
  fi
  kept=$(find "$corpus" -type f | wc -l)
  printf 'fuzz: %-18s %3d s  %10d executions  corpus %4d files  findings: %s\n' "$t" "$elapsed" "$execs" "$kept" "$finding"
  rows+=("| $t | $elapsed | $execs | $kept | ${finding//|/\\|} |")
done

if [ "$record" = 1 ]; then
  results=$top/docs/results/fuzzing.md
  block=$work/block.md
  {
    echo "<!-- scripts/fuzz.sh: last run, rewritten by each recorded run -->"
    echo "## Last run"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit$dirty, $seconds s per target (\`scripts/fuzz.sh $seconds\`), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
    echo
    echo "| target | seconds | executions | corpus kept | findings |"
    echo "|---|---:|---:|---:|---|"
    printf '%s\n' "${rows[@]}"
    echo "<!-- scripts/fuzz.sh: end -->"
  } >"$block"
  "$top/scripts/record-results.sh" "$results" fuzz.sh "# Fuzzing the input loaders" <"$block"
  echo "fuzz: recorded in ${results#$top/}"
fi
exit $failed
