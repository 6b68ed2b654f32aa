#include "step_stats.hpp"

namespace qtsim::ref {

void StepStats::add(const StepStats& o) {
  loss += o.loss;
  correct += o.correct;
  samples += o.samples;
  for (const auto& [k, v] : o.paths) paths[k].add(v);
  accumulator_saturations += o.accumulator_saturations;
  if (!first_fault && o.first_fault) first_fault = o.first_fault;
}

}  // namespace qtsim::ref
