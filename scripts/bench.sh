#!/usr/bin/env bash
# The speed targets: three figures, each printed with its target and
# "met" / "NOT met", and written to docs/results/bench-hw.md and .json (with
# the date, commit, machine and load average). Nothing here asserts on wall
# time in a test; this script only measures.
#   (a) exact mode sustains >= 25% of the int8 multiply-accumulates per second
#       of a plain native int8 GEMM loop (tests/bench/native_int8_gemm.cpp,
#       one core) timed in the same run. The simulator's figure is the step's
#       mac.int8 action count (stats.json totals) divided by the wall time of
#       the WHOLE qtsim process: parsing, synthetic data, parameter set-up,
#       the simulated step and writing the outputs all count.
#   (b) timing mode simulates one ResNet-50 training step at batch 32 on a
#       32x32 array in under 2 s wall (whole process).
#   (c) exact mode of one ResNet-18 training step at batch 8 stays under 4 GiB
#       peak memory (maximum resident set size of the process).
# (a) and (c) come from the same run: ResNet-18 ImageNet-shape Fixup at batch 8
# on workloads/hw/int8-fixup-16x16.json, one step, exact mode.
#
#   scripts/bench.sh            builds qtsim and qtsim_bench_native_gemm in build/
#                               (or $QTSIM_BUILD_DIR), then runs the three measurements
# Environment: QTSIM_BUILD_DIR, QTSIM_BUILD_JOBS (default nproc),
#              QTSIM_BENCH_OUT (run outputs, default /tmp/qtsim-bench-hw).
# Exit status 0 when all three targets are met, 1 otherwise.
# Wall times depend on what else the machine is doing: the load average at the
# start and end is recorded with the figures.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${QTSIM_BUILD_DIR:-$top/build}
out=${QTSIM_BENCH_OUT:-/tmp/qtsim-bench-hw}
jobs=${QTSIM_BUILD_JOBS:-$(nproc)}

QTSIM_EXTRA_PACKAGES="time python3" "$top/scripts/install-deps.sh"
generator=()
command -v ninja >/dev/null && [ ! -f "$build/Makefile" ] && generator=(-G Ninja)
cmake -S "$top" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE="${QTSIM_BUILD_TYPE:-Release}" >/dev/null
cmake --build "$build" --parallel "$jobs" --target qtsim qtsim_bench_native_gemm >/dev/null
qtsim=$build/qtsim
native=$build/tests/bench/qtsim_bench_native_gemm

rm -rf "$out"
mkdir -p "$out"
cd "$top"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# The yardstick.
echo "bench: native int8 GEMM loop" >&2
"$native" >"$out/native.txt"
cat "$out/native.txt"

# (a) + (c): ResNet-18 batch 8, exact mode.
r18=$out/resnet18-imagenet-fixup-b8.json
sed 's/"batch_size": 32/"batch_size": 8/; s/"eval_batch_size": 32/"eval_batch_size": 8/' \
  workloads/resnet18-imagenet-fixup.json >"$r18"
grep -q '"batch_size": 8' "$r18" || { echo "bench: could not set batch 8 in $r18" >&2; exit 1; }
r18_cmd=(simulate "$r18" --hw workloads/hw/int8-fixup-16x16.json --steps 1 --out "$out/resnet18-exact" --no-progress)
echo "bench: qtsim ${r18_cmd[*]}" >&2
/usr/bin/time -f '%e %M' -o "$out/resnet18-exact.time" "$qtsim" "${r18_cmd[@]}" >"$out/resnet18-exact.txt"

# (b): ResNet-50 batch 32 (as shipped), timing mode, 32x32 array.
r50_cmd=(simulate workloads/resnet50-imagenet-fixup.json --hw workloads/hw/int8-fixup-32x32.json --mode timing
         --out "$out/resnet50-timing" --no-progress)
echo "bench: qtsim ${r50_cmd[*]}" >&2
/usr/bin/time -f '%e %M' -o "$out/resnet50-timing.time" "$qtsim" "${r50_cmd[@]}" >"$out/resnet50-timing.txt"

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem_kib=$(grep -m1 MemTotal /proc/meminfo | awk '{print $2}')

export BENCH_OUT=$out BENCH_LOAD_START=$load_start BENCH_LOAD_END=$load_end BENCH_COMMIT="$commit$dirty" \
  BENCH_CPU=$cpu BENCH_NPROC=$(nproc) BENCH_MEM_KIB=$mem_kib \
  BENCH_R18_CMD="qtsim ${r18_cmd[*]}" BENCH_R50_CMD="qtsim ${r50_cmd[*]}"
python3 - <<'EOF'
import datetime, json, os, re, sys

out = os.environ["BENCH_OUT"]
def read(name):
    with open(os.path.join(out, name)) as f:
        return f.read()

native = float(re.search(r"native_int8_gemm_macs_per_second (\S+)", read("native.txt")).group(1))
native_shape = re.search(r"shape (\S+)", read("native.txt")).group(1)
r18_wall, r18_kib = read("resnet18-exact.time").split()[-2:]
r18_wall, r18_rss = float(r18_wall), int(r18_kib) * 1024
stats = json.loads(read("resnet18-exact/stats.json"))
macs = int(stats["totals"]["actions"]["mac.int8"])
r50_wall = float(read("resnet50-timing.time").split()[-2])

sim_rate = macs / r18_wall
ratio = sim_rate / native
checks = [
    ("a", "exact-mode int8 MAC/s vs native int8 GEMM loop", ratio, ">= 0.25", ratio >= 0.25,
     f"{ratio * 100:.1f}% ({sim_rate:.3g} MAC/s = {macs} mac.int8 / {r18_wall:.2f} s whole-process wall; native {native:.3g} MAC/s)"),
    ("b", "ResNet-50 batch-32 timing step on 32x32, wall", r50_wall, "< 2 s", r50_wall < 2.0, f"{r50_wall:.2f} s"),
    ("c", "ResNet-18 batch-8 exact step, peak memory (max RSS)", r18_rss, "< 4 GiB", r18_rss < 4 * 2**30,
     f"{r18_rss / 2**20:.0f} MiB"),
]
for key, what, _, target, met, shown in checks:
    print(f"({key}) {what}: {shown}; target {target}: {'met' if met else 'NOT met'}")

now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
machine = f"{os.environ['BENCH_CPU']}, {os.environ['BENCH_NPROC']} CPU(s), {int(os.environ['BENCH_MEM_KIB']) // 1024} MiB RAM"
result = {
    "date": now, "commit": os.environ["BENCH_COMMIT"], "machine": machine,
    "load_average_start": os.environ["BENCH_LOAD_START"], "load_average_end": os.environ["BENCH_LOAD_END"],
    "native_int8_gemm": {"macs_per_second": native, "shape": native_shape},
    "resnet18_b8_exact": {"command": os.environ["BENCH_R18_CMD"], "wall_seconds": r18_wall, "max_rss_bytes": r18_rss,
                          "mac_int8": macs, "macs_per_second": sim_rate, "ratio_to_native": ratio},
    "resnet50_b32_timing": {"command": os.environ["BENCH_R50_CMD"], "wall_seconds": r50_wall},
    "targets": {key: {"what": what, "value": value, "target": target, "met": met} for key, what, value, target, met, _ in checks},
}
os.makedirs("docs/results", exist_ok=True)
with open("docs/results/bench-hw.json", "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")
with open("docs/results/bench-hw.md", "w") as f:
    f.write("# Simulator speed\n\n")
    f.write(f"Generated by `scripts/bench.sh` on {now}, commit {os.environ['BENCH_COMMIT']}; {machine}; "
            f"load average {os.environ['BENCH_LOAD_START']} at the start, {os.environ['BENCH_LOAD_END']} at the end.\n")
    f.write("Wall times are of the whole `qtsim` process (set-up, synthetic data, the step, writing outputs), "
            "measured with `/usr/bin/time`; on a loaded machine they include time spent waiting for a CPU.\n\n")
    f.write("| | figure | measured | target | |\n|---|---|---|---|---|\n")
    for key, what, _, target, met, shown in checks:
        f.write(f"| ({key}) | {what} | {shown} | {target} | {'met' if met else '**NOT met**'} |\n")
    f.write("\nYardstick: `qtsim_bench_native_gemm` (tests/bench/native_int8_gemm.cpp), a plain i-k-j int8 x int8 -> int32 "
            f"loop on one core compiled like the project, best of repeated {native_shape} products: {native:.3g} MAC/s.\n\n")
    f.write("Commands (`W` = `workloads/resnet18-imagenet-fixup.json` with batch_size and eval_batch_size set to 8):\n\n")
    f.write("```\n" + os.environ["BENCH_R18_CMD"].replace(os.path.join(out, "resnet18-imagenet-fixup-b8.json"), "W") + "\n")
    f.write(os.environ["BENCH_R50_CMD"] + "\n```\n")
sys.exit(0 if all(c[4] for c in checks) else 1)
EOF
