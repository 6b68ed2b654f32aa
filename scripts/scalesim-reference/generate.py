#!/usr/bin/python3
"""Regenerates tests/scalesim/reference/: cycle counts from the real SCALE-Sim v2.

The reference tool is an unmodified SCALE-Sim v2 checkout,
scalesim-project/scale-sim-v2 commit 22f88b17f1dd3160e18bff5df165035bf8146e83,
MIT licence. Pass its directory with --scalesim DIR. Nothing of SCALE-Sim's code
is kept in this repository: the script copies the checkout's `scalesim` package
(and, for the calc set, its configs/scale.cfg and two of its topologies) into a
temporary directory, writes one SCALE-Sim .cfg per run, runs

    python3 -m scalesim.scale -c CFG -t TOPOLOGY -p OUTDIR [-i gemm]

there, and copies each run's reports (COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv,
DETAILED_ACCESS_REPORT.csv) verbatim, with the cfg and topology it used, into
tests/scalesim/reference/<set>/<run id>/. Finally it rebuilds
tests/scalesim/reference/rows.csv (one row per layer x configuration) from every
run directory present, so regenerating one set keeps the others' rows.

Sets (--set, repeatable; default all):
  calc  SCALE-Sim's own configs/scale.cfg (32x32, 64 KiB SRAMs, CALC) on its
        topologies/conv_nets/Resnet18.csv and alexnet.csv in os, ws and is, plus
        the same with all three SRAMs at 8 KiB (os). Only the Dataflow line, the
        SRAM sizes and run_name (which names SCALE-Sim's output folder) change.
  user  InterfaceBandwidth USER: conv layers of inputs/user_conv_*.csv on a grid
        of arrays, dataflows, DRAM bandwidths and SRAM sizes (USER_CONFIGS below).
  gemm  M,N,K topologies (inputs/gemm_mnk.csv, read with -i gemm) in CALC and
        USER mode. Each gemm run directory also holds <topology>_as_conv.csv, the
        conv topology SCALE-Sim turns each M,N,K row into (topology_utils.py
        load_arrays_gemm: IFMAP MxK, filter 1xK, 1 channel, N filters, stride 1).

SCALE-Sim needs numpy, absl and tqdm; on Debian:
    apt-get install -y python3-numpy python3-absl python3-tqdm
and run this script with that interpreter (/usr/bin/python3), which is also the
one it runs SCALE-Sim with (override with --python).

Example (from the repository root):
    /usr/bin/python3 scripts/scalesim-reference/generate.py --scalesim ~/scale-sim-v2 --jobs 2
    /usr/bin/python3 scripts/scalesim-reference/generate.py --scalesim ~/scale-sim-v2 --set gemm
"""
import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
INPUTS = os.path.join(HERE, "inputs")
DEFAULT_OUT = os.path.join(REPO, "tests", "scalesim", "reference")
SETS = ("calc", "user", "gemm")
REPORTS = ("COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv")
CFG_NAME = "scale.cfg"

# ---------------------------------------------------------------------------
# The runs. A run is one SCALE-Sim invocation: a cfg and a topology file.


class Run:
    def __init__(self, set_name, run_id, topology, rows, cols, sram_kb, dataflow,
                 mode, bandwidth, gemm=False, base_cfg=None):
        self.set_name = set_name
        self.run_id = run_id
        self.topology = topology      # path of the topology .csv (inputs/ or the checkout)
        self.rows, self.cols = rows, cols
        self.sram_kb = sram_kb        # (ifmap, filter, ofmap) KiB
        self.dataflow = dataflow
        self.mode = mode              # "CALC" or "USER"
        self.bandwidth = bandwidth    # words per cycle (read by SCALE-Sim in USER mode only)
        self.gemm = gemm
        self.base_cfg = base_cfg      # text of a cfg to edit (calc set) instead of writing one

    def cfg_text(self):
        if self.base_cfg is not None:
            return edit_cfg(self.base_cfg, self)
        ifm, fil, ofm = self.sram_kb
        return (
            "[general]\n"
            f"run_name = {self.run_id}\n"
            "\n"
            "[architecture_presets]\n"
            f"ArrayHeight:    {self.rows}\n"
            f"ArrayWidth:     {self.cols}\n"
            f"IfmapSramSzkB:   {ifm}\n"
            f"FilterSramSzkB:  {fil}\n"
            f"OfmapSramSzkB:   {ofm}\n"
            "IfmapOffset:    0\n"
            "FilterOffset:   10000000\n"
            "OfmapOffset:    20000000\n"
            f"Bandwidth : {self.bandwidth}\n"
            f"Dataflow : {self.dataflow}\n"
            "MemoryBanks:   1\n"
            "\n"
            "[run_presets]\n"
            f"InterfaceBandwidth: {self.mode}\n"
        )


def edit_cfg(text, run):
    """SCALE-Sim's configs/scale.cfg with only run_name, the SRAM sizes and Dataflow replaced."""
    subs = [
        (r"^(run_name\s*=\s*).*$", run.run_id),
        (r"^(IfmapSramSzkB:\s*)\S+", str(run.sram_kb[0])),
        (r"^(FilterSramSzkB:\s*)\S+", str(run.sram_kb[1])),
        (r"^(OfmapSramSzkB:\s*)\S+", str(run.sram_kb[2])),
        (r"^(Dataflow\s*:\s*)\S+", run.dataflow),
    ]
    for pattern, value in subs:
        text, n = re.subn(pattern, lambda m: m.group(1) + value, text, count=1, flags=re.M)
        if n != 1:
            sys.exit(f"configs/scale.cfg: no line matches {pattern!r}")
    return text


def calc_runs(scalesim_dir):
    base = read_text(os.path.join(scalesim_dir, "configs", "scale.cfg"))
    params = parse_cfg(base)
    if (params["rows"], params["cols"], params["mode"]) != (32, 32, "CALC"):
        sys.exit("configs/scale.cfg is not the 32x32 CALC configuration this set expects")
    topo = {
        "resnet18": os.path.join(scalesim_dir, "topologies", "conv_nets", "Resnet18.csv"),
        "alexnet": os.path.join(scalesim_dir, "topologies", "conv_nets", "alexnet.csv"),
    }
    runs = []

    def add(net, df, kb):
        runs.append(Run("calc", f"{net}_{df}_{kb}k", topo[net], params["rows"], params["cols"],
                        (kb, kb, kb), df, "CALC", params["bandwidth"], base_cfg=base))

    for net in ("resnet18", "alexnet"):
        for df in ("os", "ws", "is"):
            add(net, df, params["sram_kb"][0])
    for net in ("resnet18", "alexnet"):
        add(net, "os", 8)
    return runs


# USER set. Each run is one array x dataflow x (bandwidth, SRAM sizes) combination on one
# of two topologies of our own (inputs/): "small" layers for the low-bandwidth, small-SRAM
# combinations, where stalls dominate, and "medium" layers for 64 KiB SRAMs with 10 or 64
# words/cycle, where stalls are few or none. (SCALE-Sim's run time grows with the square
# of a layer's DRAM traffic, so big layers with 1-4 words/cycle and 8 KiB SRAMs take
# tens of minutes each; the grid avoids them.)
USER_TOPOLOGIES = {"s": "user_conv_small.csv", "m": "user_conv_medium.csv"}
# name: (bandwidth in words/cycle, (ifmap, filter, ofmap) KiB, topology)
USER_COMBOS = {
    "A": (1, (8, 8, 8), "s"),
    "B": (2, (16, 32, 8), "s"),
    "C": (4, (32, 8, 16), "s"),
    "D": (10, (64, 64, 64), "m"),
    "E": (64, (64, 64, 64), "m"),
    "F": (10, (8, 16, 64), "s"),
}
USER_GRID = [  # (array rows, array cols, combinations); every dataflow for each
    (8, 8, "ABCDE"),
    (16, 16, "ABCDEF"),
    (32, 32, "ABCDEF"),
    (8, 32, "ADF"),
    (32, 16, "AD"),
]
USER_CONFIGS = [(r, c, df) + USER_COMBOS[k]
                for r, c, combos in USER_GRID for k in combos for df in ("os", "ws", "is")]


def user_runs():
    runs = []
    for i, (r, c, df, bw, kb, topo) in enumerate(USER_CONFIGS, start=1):
        ifm, fil, ofm = kb
        topo_tag = os.path.splitext(USER_TOPOLOGIES[topo])[0].replace("user_conv_", "")
        run_id = f"u{i:02d}_{r}x{c}_{df}_bw{bw}_i{ifm}f{fil}o{ofm}_{topo_tag}"
        runs.append(Run("user", run_id, os.path.join(INPUTS, USER_TOPOLOGIES[topo]), r, c, kb, df,
                        "USER", bw))
    return runs


# GEMM set: (array rows, array cols, dataflow, mode, bandwidth, (ifmap, filter, ofmap) KiB).
GEMM_TOPOLOGY = "gemm_mnk.csv"
GEMM_CONFIGS = [
    (32, 32, "os", "CALC", 10, (64, 64, 64)),
    (16, 16, "ws", "CALC", 10, (64, 64, 64)),
    (8, 32, "is", "CALC", 10, (32, 32, 32)),
    (32, 32, "os", "USER", 10, (64, 64, 64)),
    (16, 16, "ws", "USER", 4, (16, 16, 16)),
    (8, 32, "is", "USER", 2, (8, 32, 16)),
]


def gemm_runs():
    runs = []
    for i, (r, c, df, mode, bw, kb) in enumerate(GEMM_CONFIGS, start=1):
        ifm, fil, ofm = kb
        bw_part = f"bw{bw}" if mode == "USER" else "calc"
        run_id = f"g{i:02d}_{r}x{c}_{df}_{bw_part}_i{ifm}f{fil}o{ofm}"
        runs.append(Run("gemm", run_id, os.path.join(INPUTS, GEMM_TOPOLOGY), r, c, kb, df, mode, bw,
                        gemm=True))
    return runs


# ---------------------------------------------------------------------------
# Small parsers (the same reading SCALE-Sim does, enough for rows.csv).


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def parse_cfg(text):
    vals = {}
    for line in text.splitlines():
        m = re.match(r"^\s*([A-Za-z_]+)\s*[:=]\s*(.*?)\s*$", line)
        if m:
            vals[m.group(1).lower()] = m.group(2)
    bw = vals.get("bandwidth", "")
    return {
        "run_name": vals.get("run_name", ""),
        "rows": int(vals["arrayheight"]),
        "cols": int(vals["arraywidth"]),
        "sram_kb": (int(vals["ifmapsramszkb"]), int(vals["filtersramszkb"]), int(vals["ofmapsramszkb"])),
        "dataflow": vals["dataflow"],
        "mode": vals["interfacebandwidth"],
        # SCALE-Sim uses the first of a comma-separated list
        "bandwidth": int(bw.split(",")[0]) if bw else "",
    }


def topology_rows(path):
    """Data rows of a topology file, as SCALE-Sim splits them (the last field, after the
    trailing comma, is dropped), whitespace stripped."""
    out = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for line in lines[1:]:
        line = line.strip()
        if not line:
            continue
        out.append([x.strip() for x in line.split(",")[:-1]])
    return out


def compute_rows(path):
    out = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for line in lines[1:]:
        if line.strip():
            out.append([x.strip() for x in line.split(",")][:6])
    return out


# ---------------------------------------------------------------------------
# Running SCALE-Sim.


def stage_scalesim(scalesim_dir, tmp):
    src = os.path.join(scalesim_dir, "scalesim")
    if not os.path.isfile(os.path.join(src, "scale.py")):
        sys.exit(f"{scalesim_dir}: not a SCALE-Sim v2 checkout (no scalesim/scale.py)")
    dst = os.path.join(tmp, "src")
    shutil.copytree(src, os.path.join(dst, "scalesim"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dst


def as_conv_topology(gemm_path, out_path):
    rows = topology_rows(gemm_path)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
                "Num Filter, Strides,\n")
        for name, m, n, k in (r[:4] for r in rows):
            f.write(f"{name},{m},{k},1,{k},1,{n},1,\n")


def execute(run, src, tmp, out_root, python, nice):
    work = os.path.join(tmp, "runs", run.run_id)
    os.makedirs(work)
    cfg = os.path.join(work, CFG_NAME)
    with open(cfg, "w", encoding="utf-8") as f:
        f.write(run.cfg_text())
    topo = os.path.join(work, os.path.basename(run.topology))
    shutil.copyfile(run.topology, topo)
    cmd = [python, "-m", "scalesim.scale", "-c", cfg, "-t", topo, "-p", os.path.join(work, "out")]
    if run.gemm:
        cmd += ["-i", "gemm"]
    if nice:
        cmd = ["nice", "-n", str(nice)] + cmd
    env = dict(os.environ, PYTHONPATH=src, PYTHONDONTWRITEBYTECODE="1")
    t0 = time.monotonic()
    with open(os.path.join(work, "log.txt"), "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, cwd=src, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = rc = os.waitstatus_to_exitcode(status)
    secs = (time.monotonic() - t0, usage.ru_utime + usage.ru_stime)
    report_dir = os.path.join(work, "out", run.run_id)
    if rc != 0 or not os.path.isfile(os.path.join(report_dir, "COMPUTE_REPORT.csv")):
        tail = read_text(os.path.join(work, "log.txt"))[-2000:]
        return run, secs, f"SCALE-Sim failed (exit {rc}):\n{tail}"
    n_layers = len(topology_rows(topo))
    if len(compute_rows(os.path.join(report_dir, "COMPUTE_REPORT.csv"))) != n_layers:
        return run, secs, "COMPUTE_REPORT.csv has a different number of rows than the topology"
    dest = os.path.join(out_root, run.set_name, run.run_id)
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    shutil.copyfile(cfg, os.path.join(dest, CFG_NAME))
    shutil.copyfile(topo, os.path.join(dest, os.path.basename(topo)))
    if run.gemm:
        stem = os.path.splitext(os.path.basename(topo))[0]
        as_conv_topology(topo, os.path.join(dest, stem + "_as_conv.csv"))
    for name in REPORTS:
        shutil.copyfile(os.path.join(report_dir, name), os.path.join(dest, name))
    return run, secs, None


# ---------------------------------------------------------------------------
# rows.csv


ROW_FIELDS = [
    "set", "config_id", "topology_file", "layer_index", "layer_name",
    "ifmap_h", "ifmap_w", "filter_h", "filter_w", "channels", "num_filters", "stride",
    "gemm_m", "gemm_n", "gemm_k",
    "array_rows", "array_cols", "dataflow", "ifmap_sram_kb", "filter_sram_kb", "ofmap_sram_kb",
    "bandwidth", "interface_bandwidth",
    "total_cycles", "stall_cycles", "overall_util_pct", "mapping_efficiency_pct", "compute_util_pct",
]


def build_rows(out_root):
    rows = []
    for set_name in SETS:
        set_dir = os.path.join(out_root, set_name)
        if not os.path.isdir(set_dir):
            continue
        for run_id in sorted(os.listdir(set_dir)):
            d = os.path.join(set_dir, run_id)
            if not os.path.isfile(os.path.join(d, "COMPUTE_REPORT.csv")):
                continue
            cfg = parse_cfg(read_text(os.path.join(d, CFG_NAME)))
            topos = [f for f in sorted(os.listdir(d))
                     if f.endswith(".csv") and f not in REPORTS and not f.endswith("_as_conv.csv")]
            if len(topos) != 1:
                sys.exit(f"{d}: expected one topology .csv, found {topos}")
            topo_rel = f"{set_name}/{run_id}/{topos[0]}"
            layers = topology_rows(os.path.join(d, topos[0]))
            comp = compute_rows(os.path.join(d, "COMPUTE_REPORT.csv"))
            if len(layers) != len(comp):
                sys.exit(f"{d}: {len(layers)} layers but {len(comp)} report rows")
            for i, (layer, rep) in enumerate(zip(layers, comp)):
                if int(rep[0]) != i:
                    sys.exit(f"{d}: report row {i} has LayerID {rep[0]}")
                row = {"set": set_name, "config_id": run_id, "topology_file": topo_rel,
                       "layer_index": i, "layer_name": layer[0]}
                if set_name == "gemm":
                    row.update(gemm_m=layer[1], gemm_n=layer[2], gemm_k=layer[3])
                else:
                    row.update(ifmap_h=layer[1], ifmap_w=layer[2], filter_h=layer[3],
                               filter_w=layer[4], channels=layer[5], num_filters=layer[6],
                               stride=layer[7])
                row.update(array_rows=cfg["rows"], array_cols=cfg["cols"], dataflow=cfg["dataflow"],
                           ifmap_sram_kb=cfg["sram_kb"][0], filter_sram_kb=cfg["sram_kb"][1],
                           ofmap_sram_kb=cfg["sram_kb"][2],
                           bandwidth=cfg["bandwidth"],
                           interface_bandwidth=cfg["mode"],
                           total_cycles=rep[1], stall_cycles=rep[2], overall_util_pct=rep[3],
                           mapping_efficiency_pct=rep[4], compute_util_pct=rep[5])
                rows.append(row)
    os.makedirs(out_root, exist_ok=True)
    path = os.path.join(out_root, "rows.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=ROW_FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path, rows


# ---------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scalesim", metavar="DIR",
                    help="an unmodified SCALE-Sim v2 checkout (commit 22f88b17f1dd); "
                         "required except with --rows-only")
    ap.add_argument("--set", dest="sets", action="append", choices=SETS,
                    help="set to regenerate (repeatable; default: all)")
    ap.add_argument("--jobs", type=int, default=1, help="SCALE-Sim processes at a time (default 1)")
    ap.add_argument("--only", metavar="SUBSTR", action="append",
                    help="only runs whose id contains SUBSTR (repeatable)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    ap.add_argument("--python", default=sys.executable,
                    help="interpreter that runs SCALE-Sim (default: this one)")
    ap.add_argument("--nice", type=int, default=10, help="nice level for SCALE-Sim (0: none)")
    ap.add_argument("--list", action="store_true", help="list the runs and exit")
    ap.add_argument("--rows-only", action="store_true",
                    help="only rebuild rows.csv from the run directories present")
    args = ap.parse_args()

    sets = args.sets or list(SETS)
    if args.rows_only:
        path, rows = build_rows(args.out)
        print(f"{path}: {len(rows)} rows")
        return 0
    if not args.scalesim:
        ap.error("--scalesim DIR is required")
    scalesim_dir = os.path.abspath(os.path.expanduser(args.scalesim))

    runs = []
    if "calc" in sets:
        runs += calc_runs(scalesim_dir)
    if "user" in sets:
        runs += user_runs()
    if "gemm" in sets:
        runs += gemm_runs()
    if args.only:
        runs = [r for r in runs if any(s in r.run_id for s in args.only)]
    if args.list:
        for r in runs:
            print(f"{r.set_name}/{r.run_id}  {os.path.basename(r.topology)}")
        print(f"{len(runs)} runs")
        return 0

    check = subprocess.run([args.python, "-c", "import numpy, absl, tqdm"], capture_output=True)
    if check.returncode != 0:
        sys.exit(f"{args.python} cannot import numpy, absl and tqdm, which SCALE-Sim needs "
                 "(Debian: apt-get install -y python3-numpy python3-absl python3-tqdm, and run "
                 "this script with /usr/bin/python3, or pass --python)")

    failures = 0
    cpu_total = 0.0
    t_start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="scalesim-ref-") as tmp:
        src = stage_scalesim(scalesim_dir, tmp)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [pool.submit(execute, r, src, tmp, args.out, args.python, args.nice) for r in runs]
            for n, fut in enumerate(futures, start=1):
                run, secs, err = fut.result()
                status = "FAILED" if err else "ok"
                cpu_total += secs[1]
                print(f"[{n}/{len(runs)}] {run.set_name}/{run.run_id}: {status} "
                      f"({secs[0]:.1f} s wall, {secs[1]:.1f} s CPU)", flush=True)
                if err:
                    failures += 1
                    print(err, file=sys.stderr)
    path, rows = build_rows(args.out)
    counts = {s: sum(1 for r in rows if r["set"] == s) for s in SETS}
    print(f"{path}: {len(rows)} rows ({', '.join(f'{s} {n}' for s, n in counts.items())})")
    print(f"{len(runs)} runs, {failures} failed, {time.monotonic() - t_start:.0f} s wall, "
          f"{cpu_total:.0f} s CPU in SCALE-Sim")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
