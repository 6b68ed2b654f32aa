#!/usr/bin/env bash
# Builds the whole project with AddressSanitizer and
# UndefinedBehaviorSanitizer (-DQTSIM_SANITIZE=ON, g++, RelWithDebInfo) into
# build-asan/ and runs the whole test suite under it. Any sanitizer report
# aborts its test, so the suite passes only when it is clean. Records the run
# in docs/results/sanitizers.md. Not part of CI (scripts/test.sh): the suite
# under ASan takes far longer than CI allows; see that file for the time.
#
#   scripts/sanitize.sh [CTEST ARGS...]    e.g. -R qtsim_input_tests to run a part (not recorded)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${QTSIM_ASAN_BUILD_DIR:-$top/build-asan}

# abort_on_error: a report ends the test (CTest sees a crash). LeakSanitizer is
# on (ASan's default on Linux).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export SC_COPYRIGHT_MESSAGE=DISABLE

start=$(date +%s)
QTSIM_BUILD_DIR=$build QTSIM_BUILD_TYPE=RelWithDebInfo "$top/scripts/build.sh" -DQTSIM_SANITIZE=ON -DQTSIM_NATIVE=OFF
built=$(date +%s)
cd "$build"
log=$build/sanitize-ctest.log
rc=0
ctest --output-on-failure --parallel "$(nproc)" --timeout 5400 "$@" 2>&1 | tee "$log" || rc=$?
end=$(date +%s)
[ $# -eq 0 ] || { echo "sanitize: partial run (ctest $*), not recorded" >&2; exit $rc; }

summary=$(grep -E "^[0-9]+% tests passed" "$log" | tail -1)
failures=$(sed -n '/The following tests FAILED/,$p' "$log" | grep -E "^\s+[0-9]+ - " | sed 's/^\s*//' || true)
reports=$(grep -cE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$log" || true)
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
results=$top/docs/results/sanitizers.md
block=$(mktemp)
{
  echo "<!-- scripts/sanitize.sh: last run, rewritten by each run -->"
  echo "## Last run"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| commit | $commit$dirty |"
  echo "| build | g++ $(g++ -dumpfullversion), RelWithDebInfo, \`-fsanitize=address,undefined -fno-sanitize-recover=undefined\` |"
  echo "| result | **$([ "$rc" = 0 ] && echo "clean: $summary" || echo "FAILED: $summary")** |"
  echo "| sanitizer reports in the log | $reports |"
  echo "| build time | $((built - start)) s |"
  echo "| test time | $((end - built)) s on $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg) at the end) |"
  if [ -n "$failures" ]; then
    echo
    echo "Failed tests:"
    echo
    echo "$failures" | sed 's/^/- /'
  fi
  echo "<!-- scripts/sanitize.sh: end -->"
} >"$block"
"$top/scripts/record-results.sh" "$results" sanitize.sh "# Sanitizers: the test suite under ASan and UBSan" <"$block"
rm -f "$block"
echo "sanitize: $summary; recorded in ${results#$top/}" >&2
exit $rc
