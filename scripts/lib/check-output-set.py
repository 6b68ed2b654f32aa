#!/usr/bin/env python3
"""Checks that what an interrupted (or complete) qtsim run left agrees with
itself: no temporary files anywhere under WORK; every JSON file parses; the
marker file of the set (stats.json, train_log.json, ...) either is absent and
nothing of its set is there, or is there with every sibling, and the siblings'
step and row counts agree with it and with its partial mark.

  check-output-set.py VERB WORK OUT [EXTRA]
VERB: train | validate | simulate | scalesim | report | compare. OUT is the
run's output folder; EXTRA is the --dump folder (train), the --trace file
(simulate) or the topology (scalesim). Prints the problems; exit 1 if any."""
import csv
import json
import os
import sys

problems = []


def problem(text):
    problems.append(text)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        problem(f"{path}: not complete JSON ({e})")
        return None


def table(path):
    """A CSV file's header and its rows."""
    with open(path, newline="") as f:
        lines = list(csv.reader(f))
    return (lines[0] if lines else []), lines[1:]


def rows(path):
    return table(path)[1]


def files_in(folder):
    if not os.path.isdir(folder):
        return []
    return sorted(os.path.relpath(os.path.join(d, n), folder) for d, _, names in os.walk(folder) for n in names)


def no_temporaries(work):
    for d, _, names in os.walk(work):
        for n in names:
            if ".tmp." in n or n.endswith(".pipe.vcd"):
                problem(f"temporary file left: {os.path.join(d, n)}")


def expect(cond, text):
    if not cond:
        problem(text)


def check_partial(doc, completed, planned, name):
    partial = doc.get("partial")
    if partial is not None:
        expect(partial.get("steps_completed") == completed, f"{name}: partial.steps_completed {partial.get('steps_completed')} != {completed}")
        expect(partial.get("interrupted_by") in ("SIGINT", "SIGTERM"), f"{name}: partial.interrupted_by {partial.get('interrupted_by')}")
    elif planned is not None:
        expect(completed == planned, f"{name}: {completed} of {planned} steps and no partial mark")


def check_simulate(out, trace):
    stats_path = os.path.join(out, "stats.json")
    siblings = ["ops.csv", "layers.csv", "phases.csv", "steps.csv"]
    if not os.path.exists(stats_path):
        expect(not files_in(out), f"{out}: no stats.json but {files_in(out)}")
        expect(trace is None or not os.path.exists(trace), f"{trace}: a trace without its stats.json")
        return
    stats = load(stats_path)
    if stats is None:
        return
    for s in siblings:
        expect(os.path.exists(os.path.join(out, s)), f"{out}: stats.json without {s}")
    if problems:
        return
    completed = stats["steps_completed"]
    check_partial(stats, completed, stats["steps"], stats_path)
    step_rows = rows(os.path.join(out, "steps.csv"))
    expect(len(step_rows) == completed, f"steps.csv has {len(step_rows)} rows, stats.json {completed} steps")
    header, ops = table(os.path.join(out, "ops.csv"))
    expect(len(ops) == stats["totals"]["kernels"], f"ops.csv has {len(ops)} kernels, stats.json {stats['totals']['kernels']}")
    # Kernels on different units overlap: their attributed cycles (each stretch of
    # the step shared among the kernels running in it) sum to the step, not their spans.
    attributed = header.index("attributed_cycles") if "attributed_cycles" in header else None
    expect(attributed is not None, "ops.csv has no attributed_cycles column")
    if attributed is not None:
        expect(sum(int(r[attributed]) for r in ops) == stats["totals"]["cycles"],
               "ops.csv attributed cycles do not sum to stats.json's cycles")
    expect(sum(int(r[1]) for r in step_rows) == stats["totals"]["cycles"], "steps.csv cycles do not sum to stats.json's")
    expect({int(r[0]) for r in ops} == set(range(completed)), "ops.csv steps are not the completed steps")
    if trace is not None:
        expect(os.path.exists(trace), f"stats.json without the trace {trace}")
        if os.path.exists(trace):
            with open(trace, errors="replace") as f:
                expect("$enddefinitions" in f.read(1 << 20), f"{trace}: not a VCD file")


def check_train(out, dump):
    log_path = os.path.join(out, "train_log.json")
    if not os.path.exists(log_path):
        expect(not files_in(out), f"{out}: no train_log.json but {files_in(out)}")
        expect(dump is None or not files_in(dump), f"{dump}: dump files without a training log")
        return
    log = load(log_path)
    if log is None:
        return
    steps = log["steps_run"]
    check_partial(log, steps, log["steps_planned"], log_path)
    expect(len(rows(os.path.join(out, "steps.csv"))) == steps, "steps.csv rows != steps_run")
    ckpt = load(os.path.join(out, "checkpoint", "checkpoint.json"))
    expect(ckpt is not None and ckpt["step"] == steps, "checkpoint step != steps_run")
    expect(os.path.exists(os.path.join(out, "checkpoint", "checkpoint.bin")), "no checkpoint.bin")
    expect(sum(e["steps"] for e in log["epochs"]) == steps, "epochs' steps do not sum to steps_run")
    if dump is not None:
        index = load(os.path.join(dump, "index.json"))
        if index is not None:
            expect(len(index["steps"]) == steps, f"dump index has {len(index['steps'])} steps, the log {steps}")
            expect(("partial" in index) == ("partial" in log), "dump and log disagree about being partial")
            bins = [n for n in files_in(dump) if n.endswith(".bin")]
            expect(len(bins) == steps, f"{len(bins)} dump files for {steps} steps")


def check_validate(out):
    path = os.path.join(out, "validation.json")
    if not os.path.exists(path):
        expect(not files_in(out), f"{out}: no validation.json but {files_in(out)}")
        return
    v = load(path)
    if v is None:
        return
    expect(v["steps_compared"] == len(v["steps"]), "steps_compared != len(steps)")
    if "partial" in v:
        expect(v["passed"] is False, "an interrupted validation claims a pass")
        check_partial(v, len(v["steps"]), None, path)
    elif v["passed"]:
        expect(len(v["steps"]) == v["steps_planned"], "a pass for fewer steps than planned")


def check_scalesim(out, topology):
    report = os.path.join(out, "COMPUTE_REPORT.csv")
    if not os.path.exists(report):
        expect(not files_in(out), f"{out}: no COMPUTE_REPORT.csv but {files_in(out)}")
        return
    layers = len(rows(topology))
    expect(len(rows(report)) == layers, f"COMPUTE_REPORT.csv has {len(rows(report))} rows for {layers} layers")
    expect(len(rows(os.path.join(out, "QTSIM_LAYER_REPORT.csv"))) == layers, "QTSIM_LAYER_REPORT.csv rows != layers")


def check_report(out, stats_dir):
    names = ["report.json", "report-layers.csv", "report-units.csv", "report.md", "report.html"]
    if not os.path.exists(os.path.join(out, "report.json")):
        expect(not any(os.path.exists(os.path.join(out, n)) for n in names), f"{out}: report files without report.json")
        return
    for n in names:
        expect(os.path.exists(os.path.join(out, n)), f"{out}: report.json without {n}")
    report, stats = load(os.path.join(out, "report.json")), load(os.path.join(stats_dir, "stats.json"))
    if report and stats:
        expect(report["summary"]["cycles"] == stats["totals"]["cycles"], "report.json cycles != stats.json's")


def check_compare(out):
    designs = ["baseline", "candidate", "iso-area", "wageubn", "dfp"]
    if not os.path.exists(os.path.join(out, "compare.json")):
        expect(not files_in(out), f"{out}: no compare.json but {files_in(out)}")
        return
    for n in ["compare.md", "compare.html"] + [f"{d}/stats.json" for d in designs]:
        expect(os.path.exists(os.path.join(out, n)), f"{out}: compare.json without {n}")
    for d in designs:
        load(os.path.join(out, d, "stats.json"))


def main():
    verb, work, out = sys.argv[1:4]
    extra = sys.argv[4] if len(sys.argv) > 4 else None
    no_temporaries(work)
    {"simulate": lambda: check_simulate(out, extra), "train": lambda: check_train(out, extra),
     "validate": lambda: check_validate(out), "scalesim": lambda: check_scalesim(out, extra),
     "report": lambda: check_report(out, extra), "compare": lambda: check_compare(out)}[verb]()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
