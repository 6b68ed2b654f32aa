#!/usr/bin/env bash
# The mapper issue's acceptance figures, written to docs/results/mapper.md and
# .json with the date, commit, machine and load average:
#   for ResNet-18 and ResNet-50 (ImageNet shape, batch 32, one training step,
#   timing mode) on the shipped int8-Fixup (EOQ) and FP32-BN presets at 16x16
#   and 32x32:
#   - MAC-array busy cycles relative to the --ideal-memory run of the same
#     design (target <= 1.10 for every design) and the whole-GEMM fold cycles;
#   - step cycles, relative to ideal memory; DRAM bytes read and written;
#   - `qtsim compare` ratios (speed-up, energy, power; and with ideal memory)
#     for the 16x16 and 32x32 pairs;
#   - the same step cycles, DRAM bytes and compare ratios measured with the
#     qtsim of a baseline commit (default: the commit before the mapper,
#     740b98a), built in a git worktree and run in the same session;
#   - the wall time of the ResNet-50 batch-32 timing step on 32x32 (target
#     < 1 s; best of three runs, with the process's user time).
# Nothing here is asserted in a test; wall times depend on what else the
# machine does (the load average is recorded).
#   scripts/bench-mapper.sh              (QTSIM_BUILD_DIR, QTSIM_BENCH_OUT, QTSIM_BENCH_BEFORE=COMMIT|none,
#                                          QTSIM_BENCH_BEFORE_BINARY=a qtsim built at that commit, to skip the build)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${QTSIM_BUILD_DIR:-$top/build}
out=${QTSIM_BENCH_OUT:-/tmp/qtsim-bench-mapper}
before=${QTSIM_BENCH_BEFORE:-740b98a}
QTSIM_EXTRA_PACKAGES="time python3" "$top/scripts/install-deps.sh"
"$top/scripts/build.sh" >/dev/null
qtsim=$build/qtsim
rm -rf "$out"
mkdir -p "$out"
cd "$top"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# The baseline commit's qtsim, built once per commit beside the checkout.
old=${QTSIM_BENCH_BEFORE_BINARY:-}
if [ -z "$old" ] && [ "$before" != none ]; then
  src=/tmp/qtsim-bench-before-$before
  if [ ! -x "$src/build/qtsim" ]; then
    rm -rf "$src"
    git -C "$top" worktree prune
    git -C "$top" worktree add --detach "$src" "$before" >/dev/null
    echo "bench-mapper: building qtsim at $before in $src" >&2
    (cd "$src" && QTSIM_BUILD_DIR="$src/build" scripts/build.sh >/dev/null)
  fi
  old=$src/build/qtsim
fi

json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {'d': d}))" "$@"; }

rows=""
for net in 18 50; do
  for fam in int8-fixup fp32-bn; do
    wl=workloads/resnet$net-imagenet-$([ $fam = int8-fixup ] && echo fixup || echo bn).json
    for size in 16x16 32x32; do
      hw=workloads/hw/$fam-$size.json
      tag=resnet$net-$fam-$size
      echo "bench-mapper: $tag" >&2
      "$qtsim" simulate "$wl" --hw "$hw" --mode timing --out "$out/$tag" --no-progress >/dev/null
      "$qtsim" simulate "$wl" --hw "$hw" --mode timing --ideal-memory --out "$out/$tag-ideal" --no-progress >/dev/null
      old_cycles=null old_read=null old_write=null
      if [ -n "$old" ]; then
        "$old" simulate "$wl" --hw "$hw" --mode timing --out "$out/$tag-before" --no-progress >/dev/null
        old_cycles=$(json_get "$out/$tag-before/stats.json" "d['totals']['cycles']")
        old_read=$(json_get "$out/$tag-before/stats.json" "d['totals']['actions'].get('dram.read_bytes', 0)")
        old_write=$(json_get "$out/$tag-before/stats.json" "d['totals']['actions'].get('dram.write_bytes', 0)")
      fi
      rows+=$(python3 - "$out/$tag/stats.json" "$out/$tag-ideal/stats.json" "$tag" "$old_cycles" "$old_read" "$old_write" <<'PY'
import json, sys
s, i = (json.load(open(p)) for p in sys.argv[1:3])
tag, old_cycles, old_read, old_write = sys.argv[3:7]
mac = lambda d: d['totals']['unit_busy_cycles'].get('mac_array', 0)
whole = sum(m['whole_gemm_cycles'] for m in s['mappings'])
acts = s['totals']['actions']
row = {'design': tag, 'cycles': s['totals']['cycles'], 'ideal_cycles': i['totals']['cycles'],
       'mac_busy': mac(s), 'ideal_mac_busy': mac(i), 'whole_gemm_cycles': whole,
       'mac_busy_over_ideal': mac(s) / mac(i), 'cycles_over_ideal': s['totals']['cycles'] / i['totals']['cycles'],
       'dram_read_bytes': acts.get('dram.read_bytes', 0), 'dram_write_bytes': acts.get('dram.write_bytes', 0),
       'tiles': s['totals']['tiles'],
       'before_cycles': None if old_cycles == 'null' else int(old_cycles),
       'before_dram_read_bytes': None if old_read == 'null' else int(old_read),
       'before_dram_write_bytes': None if old_write == 'null' else int(old_write)}
print(json.dumps(row) + ',', end='')
PY
)
    done
  done
done

compares=""
for net in 18 50; do
  for size in 16x16 32x32; do
    tag=resnet$net-$size
    echo "bench-mapper: compare $tag" >&2
    "$qtsim" compare "workloads/resnet$net-imagenet-fixup.json" --baseline "workloads/hw/fp32-bn-$size.json" --candidate "workloads/hw/int8-fixup-$size.json" \
      --out "$out/compare-$tag" --no-progress >/dev/null
    old_json=""
    if [ -n "$old" ]; then
      "$old" compare "workloads/resnet$net-imagenet-fixup.json" --baseline "workloads/hw/fp32-bn-$size.json" --candidate "workloads/hw/int8-fixup-$size.json" \
        --out "$out/compare-$tag-before" --no-progress >/dev/null
      old_json=$out/compare-$tag-before/compare.json
    fi
    compares+=$(python3 - "$out/compare-$tag/compare.json" "$tag" "$old_json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
def ratios(results):
    r = next(d for d in results if d['design'] == 'candidate')['ratios_to_baseline']
    return {'speed_up': r['latency'], 'energy': r['energy'], 'power': r['power']}
row = {'pair': sys.argv[2], 'after': ratios(c['results']),
       'after_ideal_memory': ratios(c['ideal_memory']['results']) if 'ideal_memory' in c else None,
       'before': ratios(json.load(open(sys.argv[3]))['results']) if sys.argv[3] else None}
print(json.dumps(row) + ',', end='')
PY
)
  done
done

# The ResNet-50 batch-32 timing step on 32x32: best wall time of three runs.
walls=()
for _ in 1 2 3; do
  /usr/bin/time -f '%e %U' -o "$out/r50.time" "$qtsim" simulate workloads/resnet50-imagenet-fixup.json \
    --hw workloads/hw/int8-fixup-32x32.json --mode timing --out "$out/r50-speed" --no-progress >/dev/null
  walls+=("$(cat "$out/r50.time")")
done
best=$(printf '%s\n' "${walls[@]}" | sort -n | head -1)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

python3 - "[${rows%,}]" "[${compares%,}]" "$best" "$commit" "$before" "$load_start" "$load_end" <<'PY'
import json, sys, datetime, os
rows, compares = json.loads(sys.argv[1]), json.loads(sys.argv[2])
wall, user = (float(x) for x in sys.argv[3].split())
commit, before, load_start, load_end = sys.argv[4:8]
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), 'unknown')
doc = {'date': datetime.date.today().isoformat(), 'commit': commit, 'before_commit': before, 'cpus': os.cpu_count(),
       'cpu': cpu, 'load_average_start': load_start, 'load_average_end': load_end,
       'designs': rows, 'compare': compares,
       'resnet50_b32_32x32_timing_step': {'wall_s': wall, 'user_s': user, 'target_wall_s': 1.0}}
json.dump(doc, open('docs/results/mapper.json', 'w'), indent=1)
f = lambda x, d=3: '-' if x is None else f'{x:.{d}f}'
g = lambda x: '-' if x is None else f'{x / 1e9:.2f}'
met = lambda ok: 'met' if ok else 'NOT met'
worst = max(r['mac_busy_over_ideal'] for r in rows)
md = [f"# The mapper: MAC-array busy cycles, step cycles and ratios against ideal memory", "",
      f"Measured by `scripts/bench-mapper.sh` on {doc['date']} at commit {commit} ({doc['cpus']} CPUs, {cpu}; "
      f"load average {load_start} at the start, {load_end} at the end). One training step, timing mode, batch 32, "
      f"ImageNet shape. 'before' is the qtsim of commit {before} (the halving tiler), built and run in the same session.", "",
      "| design | MAC busy / ideal | MAC busy / whole-GEMM folds | step cycles | / ideal | before | DRAM read GB | written GB | before read GB | before written GB |",
      "|---|---|---|---|---|---|---|---|---|---|"]
for r in rows:
    md.append(f"| {r['design']} | {f(r['mac_busy_over_ideal'])} | {f(r['mac_busy'] / r['whole_gemm_cycles'])} | {r['cycles']:,} | "
              f"{f(r['cycles_over_ideal'])} | {'-' if r['before_cycles'] is None else format(r['before_cycles'], ',')} | "
              f"{g(r['dram_read_bytes'])} | {g(r['dram_write_bytes'])} | {g(r['before_dram_read_bytes'])} | {g(r['before_dram_write_bytes'])} |")
md += ["", f"MAC-array busy cycles over the ideal-memory run of the same design: worst {worst:.3f} (target <= 1.10: {met(worst <= 1.10)}).", "",
       "`qtsim compare` (FP32-BN baseline / int8-EOQ Fixup candidate at the same array size):", "",
       "| pair | speed-up | energy ratio | power ratio | with ideal memory: speed-up | energy | power | before: speed-up | energy | power |",
       "|---|---|---|---|---|---|---|---|---|---|"]
for c in compares:
    a, i, b = c['after'], c['after_ideal_memory'] or {}, c['before'] or {}
    md.append(f"| {c['pair']} | {f(a['speed_up'])} | {f(a['energy'])} | {f(a['power'])} | {f(i.get('speed_up'))} | "
              f"{f(i.get('energy'))} | {f(i.get('power'))} | {f(b.get('speed_up'))} | {f(b.get('energy'))} | {f(b.get('power'))} |")
md += ["", f"ResNet-50 batch-32 timing step on 32x32 (whole process, best of 3): {wall:.2f} s wall, {user:.2f} s user "
       f"(target < 1 s wall: {met(wall < 1.0)})."]
open('docs/results/mapper.md', 'w').write('\n'.join(md) + '\n')
print('\n'.join(md))
PY
