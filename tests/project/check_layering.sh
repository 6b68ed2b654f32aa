#!/usr/bin/env bash
# The models (models/ref, models/hw, models/cost) depend on nothing in sim/ or
# reports/: no source under models/ includes a header from there, and no
# library of the models links one (directly or through another library).
# Usage: check_layering.sh SOURCE_DIR LINK_DEPENDENCIES_FILE
#   LINK_DEPENDENCIES_FILE lines: "MODEL_TARGET DEPENDENCY DEPENDENCY_SOURCE_DIR",
#   the transitive link dependencies written when CMake configured the build.
set -uo pipefail
top=${1:?usage: check_layering.sh SOURCE_DIR LINK_DEPENDENCIES_FILE}
deps=${2:?usage: check_layering.sh SOURCE_DIR LINK_DEPENDENCIES_FILE}
status=0
includes=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<](\.\./)*(sim|reports)/' "$top/models" \
             --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.cc')
if [ -n "$includes" ]; then
  echo "error: the models include headers of sim/ or reports/ (the models must not depend on the simulator's"
  echo "input, driver or report layers; move the code to the input side, as sim/hwconfig and sim/costinput are):"
  echo "${includes//$top\//}"
  status=1
fi
if [ ! -s "$deps" ]; then
  echo "error: $deps is missing or empty (CMake writes it when configuring: reconfigure the build)"
  exit 1
fi
links=$(awk -v sim="$top/sim" -v rep="$top/reports" \
  'index($3 "/", sim "/") == 1 || index($3 "/", rep "/") == 1 { print "  " $1 " links " $2 " (defined in " $3 ")" }' "$deps")
if [ -n "$links" ]; then
  echo "error: libraries of the models link libraries of sim/ or reports/:"
  echo "${links//$top\//}"
  status=1
fi
if [ "$status" = 0 ]; then
  echo "ok: models/ includes nothing from sim/ or reports/; link dependencies of the models:"
  awk '{ print "  " $1 " -> " $2 }' "$deps"
fi
exit "$status"
