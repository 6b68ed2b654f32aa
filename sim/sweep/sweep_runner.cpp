#include "sweep_runner.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "point_result.hpp"
#include "process_pool.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/json_file.hpp"
#include "sim/util/atomic_file.hpp"
#include "sim/util/interrupt.hpp"
#include "sim/util/progress.hpp"

namespace qtsim::sweep {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kStderrTailLines = 12;
constexpr std::size_t kListedFailures = 10;

// The result of a finished point: a readable result for the plan's inputs in
// this mode (a failure unless failures run again).
std::optional<PointResult> finished(const fs::path& out_dir, const PlannedPoint& p, const SweepRunOptions& o,
                                    std::ostream& out) {
  try {
    std::optional<PointResult> r = read_result(out_dir, p.id);
    if (r && r->digest == p.digest && r->mode == o.mode && (r->ok || !o.retry_failed)) return r;
  } catch (const input::InputError& e) {
    out << "note: " << e.diagnostics().front().str() << ": running the point again\n";
  }
  return std::nullopt;
}

// What a killed sweep may have left of the points of this shard: the stderr
// files of their processes, result files half-written under a temporary name
// (ID.json.tmp.PID). Points of other shards may be running from this folder.
void remove_leftovers(const fs::path& out_dir, const std::vector<const PlannedPoint*>& points) {
  std::set<std::string> ids;
  for (const PlannedPoint* p : points) ids.insert(p->id);
  std::error_code ec;
  std::vector<fs::path> leftovers;
  for (fs::directory_iterator it(points_dir(out_dir), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool leftover = name.ends_with(".stderr") || name.find(".json.tmp.") != std::string::npos;
    if (leftover && ids.count(name.substr(0, name.find('.')))) leftovers.push_back(it->path());
  }
  for (const fs::path& f : leftovers) fs::remove(f, ec);
}

std::string stderr_tail(const fs::path& file) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    lines.push_back(line);
    if (lines.size() > kStderrTailLines) lines.pop_front();
  }
  std::string s;
  for (const std::string& l : lines) s += (s.empty() ? "" : "\n") + l;
  return s;
}

// The plan on disk, when it is there and readable.
std::optional<SweepPlan> plan_on_disk(const fs::path& out_dir) {
  std::error_code ec;
  if (!fs::exists(plan_path(out_dir), ec)) return std::nullopt;
  try {
    return plan_from_json(input::read_json_file(plan_path(out_dir).string()), plan_path(out_dir).string());
  } catch (const input::InputError&) {
    return std::nullopt;
  }
}

// The shard's points by state, counting results from earlier runs too.
struct Tally {
  std::size_t ok = 0, failed = 0, without_result = 0;  // this run
  std::size_t ok_before = 0, failed_before = 0;        // found finished
  std::vector<std::string> failures;                   // "ID (parameters): first line of the error"
  void add(const PlannedPoint& p, const PointResult& r, bool earlier) {
    if (r.ok) {
      ++(earlier ? ok_before : ok);
      return;
    }
    ++(earlier ? failed_before : failed);
    failures.push_back(p.id + " (" + reports::parameters_line(p.parameters) + "): " + r.error.substr(0, r.error.find('\n')));
  }
  std::size_t done() const { return ok + failed + without_result; }
};

// A point whose process died without writing a result: recorded as failed with what it printed.
PointResult died(const PlannedPoint& p, const std::string& mode, const ChildExit& e, const std::string& said) {
  PointResult r;
  r.id = p.id;
  r.parameters = p.parameters;
  r.digest = p.digest;
  r.mode = mode;
  const std::string how = e.signal ? fmt::format("was killed by signal {} ({})", e.signal, strsignal(e.signal))
                                   : fmt::format("exited with code {} without a result", e.exit_code);
  r.error = "the point's process " + how + (said.empty() ? "" : ":\n" + said);
  return r;
}

// Where progress goes when stderr is no terminal (batch logs): a line at every tenth of the points.
class ProgressLines {
 public:
  ProgressLines(std::ostream& out, std::size_t total, bool enabled)
      : out_(out), total_(total), enabled_(enabled && !::isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {}
  void update(const Tally& t) {
    const std::size_t done = t.done();
    if (!enabled_ || total_ == 0 || done * 10 / total_ == reported_ * 10 / total_) return;
    reported_ = done;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta = done > 0 ? elapsed * static_cast<double>(total_ - done) / static_cast<double>(done) : -1;
    out_ << fmt::format("progress: {}/{} points, {} failed, {} elapsed, ETA {}\n", done, total_, t.failed,
                        util::format_duration(elapsed), util::format_duration(eta));
    out_.flush();
  }

 private:
  std::ostream& out_;
  std::size_t total_, reported_ = 0;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

fs::path plan_path(const fs::path& out_dir) { return out_dir / "plan.json"; }

int run_sweep(const SweepPlan& plan, const SweepRunOptions& o, std::ostream& out) {
  util::ensure_directory(points_dir(o.out_dir));
  if (const std::optional<SweepPlan> old = plan_on_disk(o.out_dir); old && old->digest() != plan.digest())
    out << "note: " << plan_path(o.out_dir).string()
        << " was another plan (the sweep file or a base file changed): replaced; points whose inputs changed run again\n";
  util::write_file_atomic(plan_path(o.out_dir), plan_to_json(plan).dump(1) + "\n");

  const std::vector<const PlannedPoint*> runnable = plan.runnable();
  const std::vector<const PlannedPoint*> mine = o.shard ? shard_items(runnable, *o.shard) : runnable;
  Tally tally;
  std::deque<const PlannedPoint*> queue;
  remove_leftovers(o.out_dir, mine);
  for (const PlannedPoint* p : mine) {
    if (const std::optional<PointResult> r = finished(o.out_dir, *p, o, out))
      tally.add(*p, *r, true);
    else
      queue.push_back(p);
  }
  const std::size_t to_run = queue.size();
  out << fmt::format("sweep {}: {} points ({} skipped by constraints){}; {} to run, {} finished earlier; {} job{}, {} mode\n",
                     plan.name, plan.points.size(), plan.points.size() - runnable.size(),
                     o.shard ? fmt::format("; shard {}/{}: {} points", o.shard->index, o.shard->count, mine.size()) : "",
                     to_run, mine.size() - to_run, o.jobs, o.jobs == 1 ? "" : "s", o.mode);
  out.flush();

  const auto start = std::chrono::steady_clock::now();
  ProcessPool pool;
  std::map<pid_t, const PlannedPoint*> running;
  util::Progress progress("sweep", static_cast<std::int64_t>(to_run), o.progress);
  ProgressLines lines(out, to_run, o.progress);
  auto stderr_file = [&](const PlannedPoint& p) { return points_dir(o.out_dir) / (p.id + ".stderr"); };
  while (!queue.empty() || pool.running() > 0) {
    while (!queue.empty() && pool.running() < static_cast<std::size_t>(o.jobs) && !util::interrupted()) {
      const PlannedPoint* p = queue.front();
      queue.pop_front();
      std::vector<std::string> args{"sweep", o.sweep_file, "--out", o.out_dir.string(), "--point", p->id, "--mode", o.mode};
      if (o.keep_stats) args.push_back("--keep-stats");
      running[pool.start(args, stderr_file(*p))] = p;
    }
    if (util::interrupted()) {
      progress.finish();
      pool.stop_all(util::interrupt_signal(), std::chrono::seconds(10));
      for (const auto& [pid, p] : running) fs::remove(stderr_file(*p));
      std::cerr << fmt::format("interrupted: {} of {} points done in this run, {} left; the same command runs only those\n",
                               tally.done(), to_run, to_run - tally.done());
      return 128 + util::interrupt_signal();
    }
    const std::optional<ChildExit> e = pool.wait_any(std::chrono::milliseconds(250));
    if (!e) continue;
    const PlannedPoint& p = *running.at(e->pid);
    running.erase(e->pid);
    std::optional<PointResult> r;
    try {
      r = read_result(o.out_dir, p.id);
    } catch (const input::InputError&) {
      r.reset();
    }
    const bool stopped = e->signal == SIGINT || e->signal == SIGTERM || e->exit_code == 128 + SIGINT ||
                         e->exit_code == 128 + SIGTERM;
    if (r && r->digest == p.digest && r->mode == o.mode) {
      tally.add(p, *r, false);
    } else if (stopped) {
      ++tally.without_result;  // a signal from elsewhere: no result, the point stays to run
    } else {
      const PointResult failed = died(p, o.mode, *e, stderr_tail(stderr_file(p)));
      write_result(o.out_dir, failed);
      tally.add(p, failed, false);
    }
    fs::remove(stderr_file(p));
    progress.update(static_cast<std::int64_t>(tally.done()), fmt::format("failed {}", tally.failed));
    lines.update(tally);
  }
  progress.finish();

  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::size_t ran = tally.ok + tally.failed;
  out << fmt::format("done: {} ok, {} failed, {} without a result in {} ({:.1f} points/min)", tally.ok, tally.failed,
                     tally.without_result, util::format_duration(wall), wall > 0 ? 60.0 * static_cast<double>(ran) / wall : 0.0);
  if (tally.ok_before + tally.failed_before)
    out << fmt::format("; earlier: {} ok, {} failed", tally.ok_before, tally.failed_before);
  out << "\n";
  for (std::size_t i = 0; i < tally.failures.size() && i < kListedFailures; ++i) out << "  failed: " << tally.failures[i] << "\n";
  if (tally.failures.size() > kListedFailures) out << fmt::format("  ... and {} more\n", tally.failures.size() - kListedFailures);
  if (tally.failed_before && !o.retry_failed) out << "(--retry-failed runs the failed points again)\n";
  out << fmt::format("results in {}; `qtsim sweep collect {}` merges them\n", points_dir(o.out_dir).string(), o.out_dir.string());
  return tally.failed + tally.failed_before + tally.without_result ? 1 : 0;
}

}  // namespace qtsim::sweep
