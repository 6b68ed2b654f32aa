#include "run_progress.hpp"

#include <fmt/format.h>

namespace qtsim::hwsim {

RunProgress::RunProgress(std::size_t jobs, bool enabled) : jobs_(jobs), line_("simulate", 0, enabled, "kernels") {}

void RunProgress::step_lowered(std::size_t job, std::int64_t step, std::int64_t steps, std::size_t kernels) {
  Job& j = jobs_.at(job);
  j.step = step;
  j.steps = steps;
  j.planned = j.done + static_cast<std::int64_t>(kernels) * (steps - step);
  line_.set_total(total());
}

void RunProgress::kernel_done(std::size_t job, const hw::KernelLabel& kernel) {
  ++jobs_.at(job).done;
  if (line_.active()) line_.update(done(), detail(job, kernel));
}

std::int64_t RunProgress::done() const {
  std::int64_t n = 0;
  for (const Job& j : jobs_) n += j.done;
  return n;
}

std::int64_t RunProgress::total() const {
  std::int64_t n = 0;
  for (const Job& j : jobs_) n += j.planned;
  return n;
}

std::string RunProgress::detail(std::size_t job, const hw::KernelLabel& kernel) const {
  const Job& j = jobs_.at(job);
  const std::string where = jobs_.size() == 1 ? fmt::format("step {}/{}", j.step + 1, j.steps)
                                              : fmt::format("{} accelerators", jobs_.size());
  return where + "  " + hw::to_string(kernel);
}

}  // namespace qtsim::hwsim
