#!/usr/bin/env bash
# Puts a script's "last run" block into its results file: replaces the block
# between "<!-- scripts/NAME: last run ..." and "<!-- scripts/NAME: end -->"
# and keeps the rest of the file (hand-written notes), or starts the file with
# TITLE when it has no such block. The block comes on stdin, markers included.
#   scripts/record-results.sh RESULTS.md NAME "TITLE" < block
set -euo pipefail
results=$1 name=$2 title=$3
block=$(mktemp)
trap 'rm -f "$block" "$block.new"' EXIT
cat >"$block"
if [ -f "$results" ] && grep -q "scripts/$name: end" "$results"; then
  awk -v block="$block" -v start="scripts/$name: last run" -v end="scripts/$name: end" '
    index($0, start) {while ((getline l < block) > 0) print l; skip=1; next}
    index($0, end) {skip=0; next} !skip' "$results" >"$block.new"
  cat "$block.new" >"$results.tmp" && mv "$results.tmp" "$results"
else
  { echo "$title"; echo; cat "$block"; } >"$results.tmp" && mv "$results.tmp" "$results"
fi
