# The accuracy benchmark's runs, shared by bench-accuracy.sh and
# bench-accuracy-seeds.sh (sourced, not executed).
# label  workload                                  (same network family, epochs, batch)
accuracy_runs=(
  "int8-eoq     workloads/fmnist-resnet-fixup.json"
  "fp32-bn      workloads/fmnist-resnet-bn.json"
  "int8-wageubn workloads/fmnist-resnet-bn-wageubn.json"
  "int8-dfp     workloads/fmnist-resnet-bn-dfp.json"
  "fp32-fixup   workloads/fmnist-resnet-fixup-fp32.json"
)

# The workload of a label, or nothing.
accuracy_workload() {
  local run label workload
  for run in "${accuracy_runs[@]}"; do
    read -r label workload <<<"$run"
    [ "$label" = "$1" ] && { echo "$workload"; return; }
  done
}

# The last / first value of "key": NUMBER in a train_log.json (one field per line).
last_number() { grep -o "\"$1\": [-0-9.eE+]*" "$2" | tail -1 | sed 's/.*: //'; }
first_number() { grep -o "\"$1\": [-0-9.eE+]*" "$2" | head -1 | sed 's/.*: //'; }

# Installs what is missing, configures $build once, builds qtsim.
build_qtsim() {
  "$top/scripts/install-deps.sh"
  [ -f "$build/CMakeCache.txt" ] || cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" --target qtsim --parallel "$(nproc)" >/dev/null
}

# The JSON rows given, one per line and comma-separated, then the closing "]}" of
# the results file's "runs" array.
json_rows_and_close() {
  local n=$# i=0 row
  for row in "$@"; do
    i=$((i + 1))
    if [ "$i" -lt "$n" ]; then printf '    %s,\n' "$row"; else printf '    %s\n' "$row"; fi
  done
  printf '  ]\n}\n'
}
