#pragma once
// `qtsim sweep SWEEP.json --out DIR`: writes the plan, then runs every point of
// its shard that has no result yet as its own process (`qtsim sweep SWEEP.json
// --out DIR --point ID`: SystemC elaborates once per process), --jobs at a
// time, with a progress line (done, failed, ETA). Points finished by an earlier
// run (their result's digest and mode match the plan) are skipped; a point
// whose process dies without a result is recorded as failed with what it
// printed; Ctrl-C or SIGTERM stops the children and the sweep promptly.
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

#include "shard.hpp"
#include "sweep_plan.hpp"

namespace qtsim::sweep {

struct SweepRunOptions {
  std::string sweep_file;  // as given: the children read it too
  std::filesystem::path out_dir;
  int jobs = 1;
  std::optional<Shard> shard;
  std::string mode = "timing";  // timing | exact
  bool keep_stats = false;
  bool retry_failed = false;    // run points whose result is a failure again
  bool progress = true;
};

// DIR/plan.json.
std::filesystem::path plan_path(const std::filesystem::path& out_dir);

// Writes the plan, runs the shard's points that have no result; returns the
// exit code: 0 when every point of the shard completed, 1 when some failed
// (now or in an earlier run) or have no result (a child stopped by a signal
// from elsewhere), 128 + signal when interrupted.
int run_sweep(const SweepPlan& plan, const SweepRunOptions& options, std::ostream& out);

}  // namespace qtsim::sweep
