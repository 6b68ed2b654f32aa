#!/usr/bin/env bash
# Determinism across builds: builds qtsim at -O0 (Debug,
# QTSIM_NATIVE=OFF) into build-O0/ and optimized (Release, -march=native) into
# $QTSIM_BUILD_DIR (default build/), runs the same commands with both, and
# compares every output byte for byte: train dumps and checkpoints (integer,
# integer-BN and FP32 schemes; the optimized build also at another thread
# count), simulate statistics (exact and timing mode), reports, and validate's
# output. Records the result in docs/results/determinism.md. Exit code 1 if
# any output differs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
opt=${QTSIM_BUILD_DIR:-$top/build}
o0=${QTSIM_O0_BUILD_DIR:-$top/build-O0}
export SC_COPYRIGHT_MESSAGE=DISABLE

"$top/scripts/install-deps.sh"
build() {  # DIR CMAKE-ARGS...
  local dir=$1
  shift
  local generator=()
  command -v ninja >/dev/null && [ ! -f "$dir/Makefile" ] && generator=(-G Ninja)
  cmake -S "$top" -B "$dir" "${generator[@]}" "$@" >/dev/null
  cmake --build "$dir" --parallel "$(nproc)" --target qtsim >/dev/null
}
build "$opt" -DCMAKE_BUILD_TYPE=Release
build "$o0" -DCMAKE_BUILD_TYPE=Debug -DQTSIM_NATIVE=OFF

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$top"

# name|command (OUT is replaced by the case's output directory)
cases=(
  "train-eoq|train workloads/fmnist-cnn.json --steps 3 --threads 2 --no-eval --no-progress --dump OUT/dump --out OUT/train"
  "train-eoq-1thread|train workloads/fmnist-cnn.json --steps 3 --threads 1 --no-eval --no-progress --dump OUT/dump --out OUT/train"
  "train-wageubn|train workloads/fmnist-resnet-bn-wageubn.json --steps 1 --threads 2 --no-eval --no-progress --dump OUT/dump --out OUT/train"
  "train-fp32|train workloads/fmnist-resnet-fixup-fp32.json --steps 2 --threads 2 --no-eval --no-progress --dump OUT/dump --out OUT/train"
  "simulate-exact|simulate workloads/fmnist-resnet-fixup.json --hw workloads/hw/int8-fixup-16x16.json --steps 1 --no-progress --out OUT"
  "simulate-timing|simulate workloads/resnet20-cifar-bn.json --hw workloads/hw/fp32-bn-16x16.json --mode timing --steps 1 --no-progress --out OUT"
  "report|report SIMULATE --out OUT"
  "validate|validate workloads/fmnist-resnet-fixup.json --hw workloads/hw/int8-fixup-16x16.json --steps 1 --quiet --no-progress --out OUT"
)

# Both builds run each command with the same paths (outputs name their paths:
# "log and checkpoint in DIR"): OUT is $work/run/NAME, SIMULATE a link to this
# build's simulate-exact output; the results then move to $work/LABEL/NAME.
run_case() {  # BUILD-DIR LABEL NAME COMMAND
  local out=$work/run/$3
  rm -rf "$out"
  mkdir -p "$out"
  ln -sfn "$work/$2/simulate-exact" "$work/simulate-input"
  local cmd=${4//OUT/$out}
  cmd=${cmd//SIMULATE/$work/simulate-input}
  local start=$(date +%s)
  # stdout is an output too (validate prints its comparisons); stderr is progress and timing.
  "$1/qtsim" $cmd >"$out/stdout.txt" 2>"$work/$2-$3.stderr" || { echo "determinism: $2 $3 failed:" >&2; cat "$work/$2-$3.stderr" >&2; return 1; }
  mkdir -p "$work/$2"
  mv "$out" "$work/$2/$3"
  echo $(($(date +%s) - start))
}

# Wall time is the only expected difference: train prints it on stdout (each
# epoch line "(T s)", the "done: N steps in T s" line) and writes it to
# train_log.json ("wall_seconds"). Mask exactly those, nothing else.
normalize() {
  find "$1" -name stdout.txt -exec sed -i -E 's/ in [0-9.]+ s;/ in T s;/; s/\([0-9.]+ s\)$/(T s)/' {} +
  find "$1" -name train_log.json -exec sed -i -E 's/"wall_seconds": [0-9.eE+-]+/"wall_seconds": T/' {} +
}

rows=()
failed=0
for c in "${cases[@]}"; do
  name=${c%%|*}
  cmd=${c#*|}
  t_opt=$(run_case "$opt" opt "$name" "$cmd")
  t_o0=$(run_case "$o0" O0 "$name" "$cmd")
  normalize "$work/opt/$name"
  normalize "$work/O0/$name"
  files=$(find "$work/opt/$name" -type f | wc -l)
  bytes=$(du -sb "$work/opt/$name" | cut -f1)
  if diff -r -q "$work/opt/$name" "$work/O0/$name" >"$work/diff" 2>&1; then
    verdict=identical
  else
    verdict="DIFFERENT: $(tr '\n' ';' <"$work/diff" | sed "s|$work/||g")"
    failed=1
  fi
  printf 'determinism: %-18s %3d files %12d bytes  -O3 %4d s  -O0 %5d s  %s\n' "$name" "$files" "$bytes" "$t_opt" "$t_o0" "$verdict"
  rows+=("| $name | \`qtsim $cmd\` | $files | $bytes | $t_opt | $t_o0 | $verdict |")
done
# Thread counts, in the optimized build.
# The thread count (train_log.json, stdout) and the output directory differ by
# design between these two cases; mask them for this comparison only.
for d in "$work/opt/train-eoq" "$work/opt/train-eoq-1thread"; do
  sed -i -E 's/"threads": [0-9]+/"threads": N/' "$d/train/train_log.json"
  sed -i -E 's/, [0-9]+ thread\(s\)$/, N thread(s)/' "$d/stdout.txt"
  grep -rlF --include='*.txt' --include='*.json' "$work/run/" "$d" | xargs -r sed -i "s|$work/run/train-eoq[a-z0-9-]*|OUT|g"
done
if diff -r -q "$work/opt/train-eoq" "$work/opt/train-eoq-1thread" >"$work/diff" 2>&1; then
  threads="identical"
else
  threads="DIFFERENT: $(tr '\n' ';' <"$work/diff" | sed "s|$work/||g")"
  failed=1
fi
echo "determinism: train-eoq with 2 threads vs 1 thread (optimized build): $threads"

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
flags() {  # the compile flags of the build type DIR was configured with
  local type
  type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$1/CMakeCache.txt" | tr '[:lower:]' '[:upper:]')
  sed -n "s/^CMAKE_CXX_FLAGS_$type:STRING=//p" "$1/CMakeCache.txt"
}
{
  echo "# Determinism across builds"
  echo
  echo "\`scripts/determinism.sh\` builds qtsim twice, optimized (Release: \`$(flags "$opt")\` and \`-march=native\`)"
  echo "and unoptimized (Debug: \`$(flags "$o0")\`, no \`-march=native\`), both with \`-ffp-contract=off\`,"
  echo "runs each command below with both and compares every output file byte for byte (\`diff -r\`), stdout"
  echo "included (only train's wall times are masked: the epoch and \"done\" lines on stdout, \`wall_seconds\` in train_log.json). The suite's \`qtsim_test_determinism\` checks the"
  echo "same inside any one build against recorded digests (and train dumps across thread counts). Rewritten by each run."
  echo
  echo "## Last run"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit$dirty, g++ $(g++ -dumpfullversion), $(nproc) cores."
  echo
  echo "**$([ "$failed" = 0 ] && echo "All outputs identical" || echo "OUTPUTS DIFFER")**."
  echo
  echo "| case | command | files | bytes | optimized (s) | -O0 (s) | -O0 vs optimized |"
  echo "|---|---|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Thread counts: \`train-eoq\` (2 threads) vs \`train-eoq-1thread\` in the optimized build: $threads."
} >docs/results/determinism.md
echo "determinism: recorded in docs/results/determinism.md" >&2
exit $failed
