#pragma once
// The progress line of a simulation (util::Progress, on stderr when it is a
// terminal): kernels done out of the run's total, the step, the kernel that
// just finished and the ETA of the whole run. A large network's step runs for
// tens of seconds, so progress is per kernel, not per step. Every job of
// run_jobs reports to one instance: `compare` shows one line for all designs.
#include <cstdint>
#include <string>
#include <vector>

#include "models/hw/core/kernel.hpp"
#include "sim/util/progress.hpp"

namespace qtsim::hwsim {

class RunProgress {
 public:
  RunProgress(std::size_t jobs, bool enabled);
  // Job `job` lowered step `step` (of `steps`): `kernels` kernels. Each step
  // runs the same network, so the remaining steps are counted at this size.
  void step_lowered(std::size_t job, std::int64_t step, std::int64_t steps, std::size_t kernels);
  void kernel_done(std::size_t job, const hw::KernelLabel& kernel);
  // Erases the line before anything else is printed.
  void clear() { line_.clear(); }

  // Kernels done and the run's total as known so far (for tests).
  std::int64_t done() const;
  std::int64_t total() const;
  // What follows the counts: "step 2/3  block1.conv1 gemm (forward)", or with several jobs "4 accelerators  ...".
  std::string detail(std::size_t job, const hw::KernelLabel& kernel) const;

 private:
  struct Job {
    std::int64_t done = 0;       // kernels of this job done
    std::int64_t planned = 0;    // its total as known so far
    std::int64_t step = 0, steps = 0;
  };
  std::vector<Job> jobs_;
  util::Progress line_;
};

}  // namespace qtsim::hwsim
