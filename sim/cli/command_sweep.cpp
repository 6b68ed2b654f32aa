// qtsim sweep SWEEP.json --out DIR [--jobs N] [--shard I/N] [--mode timing|exact] [--list]
// qtsim sweep collect DIR... [--out DIR]
#include <sched.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "command.hpp"
#include "options.hpp"
#include "preset_paths.hpp"
#include "run_files.hpp"
#include "reports/sweep_report.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/sweep/point_job.hpp"
#include "sim/sweep/sweep_collect.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/util/atomic_file.hpp"
#include "sim/util/interrupt.hpp"
#include "sim/util/output_folder.hpp"
#include "sim/util/output_path.hpp"

namespace qtsim::cli {

namespace fs = std::filesystem;

namespace {

const compare::PresetLocator kPresets{&hw_preset_file, &tech_table_file};

// The CPUs this process may run on (a Slurm allocation, taskset, a container's limit).
int usable_cpus() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

int parse_jobs(const std::string& text) {
  std::size_t used = 0;
  int n = 0;
  try {
    n = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || n < 1 || n > 1024)
    throw input::InputError(input::Diagnostic{"command line", "--jobs", "a number of processes from 1 to 1024", "\"" + text + "\"", ""});
  return n;
}

hw::ExecMode parse_mode(const std::string& text) {
  if (text == "timing") return hw::ExecMode::timing;
  if (text == "exact") return hw::ExecMode::exact;
  throw input::InputError(input::Diagnostic{"command line", "--mode", "timing or exact", "\"" + text + "\"", ""});
}

int run_collect(const Args& args) {
  po::options_description opts("sweep collect options");
  opts.add_options()("out", po::value<std::string>(), "where to write sweep.csv, sweep.json and sweep.html (default: the first DIR)");
  const ParsedOptions p = parse_options(args, opts, {"dirs..."},
                                        "usage: qtsim sweep collect DIR... [--out DIR]\n"
                                        "Merges the point results of a sweep's output folder, or of the folders of its shards, "
                                        "into sweep.csv, sweep.json and sweep.html (Pareto fronts, FP32-BN vs int8-EOQ). "
                                        "Points without a result yet are listed as missing.");
  if (p.help) return 0;
  std::vector<fs::path> dirs;
  for (const std::string& d : p.values["dirs"].as<std::vector<std::string>>()) dirs.emplace_back(d);
  util::OutputFolder out(p.values.count("out") ? fs::path(p.values["out"].as<std::string>()) : dirs.front(), "--out",
                         files_of_any_run());
  const sweep::Collected c = sweep::collect(dirs);
  std::vector<util::OutputFile> set;
  for (reports::ReportFile& f : reports::render_sweep(c.table)) set.push_back({f.name, std::move(f.contents)});
  put_marker_last(set, "sweep.json");
  util::throw_if_interrupted();
  out.commit(set);
  const reports::SweepTable& t = c.table;
  using reports::PointStatus;
  std::cout << fmt::format("sweep {}: {} planned points: {} ok, {} failed, {} skipped by constraints, {} missing{}\n", t.name,
                           t.points.size(), t.count(PointStatus::ok), t.count(PointStatus::failed),
                           t.count(PointStatus::skipped), t.count(PointStatus::missing),
                           c.stale ? fmt::format(" ({} result files of other plans ignored)", c.stale) : "");
  std::cout << fmt::format("wrote {}/sweep.csv, sweep.json, sweep.html\n", out.path().string());
  return 0;
}

}  // namespace

int run_sweep(const Args& args) {
  if (!args.empty() && args.front() == "collect") return run_collect(Args(args.begin() + 1, args.end()));
  po::options_description opts("sweep options");
  opts.add_options()
      ("out", po::value<std::string>(), "output folder: plan.json and points/ID.json, one result per point")
      ("jobs,j", po::value<std::string>(), "points run at a time, each in its own process (default: the usable CPUs)")
      ("shard", po::value<std::string>(), "I/N: run only the I-th of N disjoint slices of the points (I from 1), e.g. "
                                          "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT")
      ("mode", po::value<std::string>()->default_value("timing"), "timing (counts without computing) or exact")
      ("list", "print the points to run (of the shard), one a line: ID, a tab, the parameters; with --out also write the plan")
      ("point", po::value<std::string>(), "run only the point with this id, in this process (what the sweep's "
                                          "processes and other schedulers run)")
      ("keep-stats", "also keep each point's stats.json in DIR/points/ID/ (for qtsim report)")
      ("retry-failed", "run points whose earlier result is a failure again")
      ("no-progress", "no progress display");
  const ParsedOptions p = parse_options(
      args, opts, {"sweep"},
      "usage: qtsim sweep SWEEP.json --out DIR [--jobs N] [--shard I/N] [--mode timing|exact]\n"
      "       qtsim sweep SWEEP.json [--out DIR] --list [--shard I/N]\n"
      "       qtsim sweep SWEEP.json --out DIR --point ID\n"
      "       qtsim sweep collect DIR... [--out DIR]\n"
      "Runs every design point of the sweep file (its grid or sample, minus the points its constraints skip) as its own "
      "process, one training step each, and writes one result file per point; a re-run runs only the points without a "
      "result. `collect` merges them into sweep.csv, sweep.json and sweep.html (docs/SWEEP.md).");
  if (p.help) return 0;
  const auto& v = p.values;
  const std::string file = v["sweep"].as<std::string>();
  const std::string mode = v["mode"].as<std::string>();
  sweep::PointRunOptions run;
  run.mode = parse_mode(mode);
  run.keep_stats = v.count("keep-stats") > 0;
  std::optional<sweep::Shard> shard;
  if (v.count("shard")) shard = sweep::parse_shard(v["shard"].as<std::string>());
  const int jobs = v.count("jobs") ? parse_jobs(v["jobs"].as<std::string>()) : usable_cpus();
  const bool list = v.count("list") > 0;
  if (!v.count("out") && !list)
    throw input::InputError(input::Diagnostic{"command line", "--out", "an output folder (--out DIR)", "nothing",
                                              "--list prints the points without running them"});
  if (v.count("point") && (list || shard))
    throw input::InputError(input::Diagnostic{"command line", "--point", "--point alone (it runs one point)",
                                              list ? "with --list" : "with --shard", ""});
  if (v.count("out")) run.out_dir = v["out"].as<std::string>();

  const sweep::SweepSpec spec = sweep::load_sweep(file, kPresets);
  if (v.count("point")) util::create_output_folder(run.out_dir, "--out");
  if (v.count("point")) return sweep::run_planned_point(spec, kPresets, v["point"].as<std::string>(), run, &portable_paths);

  sweep::PointResolver resolver(spec, kPresets);
  const sweep::SweepPlan plan = sweep::make_plan(spec, resolver);  // every point checked before anything runs
  if (v.count("out")) util::create_output_folder(run.out_dir, "--out");
  if (list) {
    if (v.count("out")) util::write_file_atomic(sweep::plan_path(run.out_dir), sweep::plan_to_json(plan).dump(1) + "\n");
    const std::vector<const sweep::PlannedPoint*> runnable = plan.runnable();
    const auto mine = shard ? sweep::shard_items(runnable, *shard) : runnable;
    for (const sweep::PlannedPoint* pt : mine) std::cout << pt->id << "\t" << reports::parameters_line(pt->parameters) << "\n";
    std::cerr << fmt::format("{} points{} ({} of {} planned; {} skipped by constraints)\n", mine.size(),
                             shard ? fmt::format(" in shard {}/{}", shard->index, shard->count) : "", runnable.size(),
                             plan.points.size(), plan.points.size() - runnable.size());
    return 0;
  }
  sweep::SweepRunOptions o;
  o.sweep_file = file;
  o.out_dir = run.out_dir;
  o.jobs = jobs;
  o.shard = shard;
  o.mode = mode;
  o.keep_stats = run.keep_stats;
  o.retry_failed = v.count("retry-failed") > 0;
  o.progress = !v.count("no-progress");
  return sweep::run_sweep(plan, o, std::cout);
}

}  // namespace qtsim::cli
