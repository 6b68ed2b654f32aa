#include <algorithm>
#include <cmath>
#include <numbers>

#include "workload.hpp"

namespace qtsim::workload {

double LearningRate::at(double epoch, double total_epochs) const {
  if (warmup_epochs > 0.0 && epoch < warmup_epochs) return base * (epoch + 1e-9) / warmup_epochs;  // linear warm-up
  if (schedule == "constant") return base;
  if (schedule == "step") {
    double lr = base;
    for (double m : milestones)
      if (epoch >= m) lr *= gamma;
    return lr;
  }
  // cosine from the end of warm-up to the end of the run
  const double span = std::max(1e-9, total_epochs - warmup_epochs);
  const double t = std::clamp((epoch - warmup_epochs) / span, 0.0, 1.0);
  return final + 0.5 * (base - final) * (1.0 + std::cos(std::numbers::pi * t));
}

}  // namespace qtsim::workload
