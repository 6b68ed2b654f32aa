#pragma once
// One point run in this process: one SystemC simulation of one training step
// of its workload on its hardware, costed with models/cost (cost::estimate,
// the same figures as `qtsim report`), its figures derived. A point that
// cannot run (hardware that cannot hold a layer, a datapath that does not
// fit the scheme, a failed simulation) is a failed result, not an exception.
#include <filesystem>
#include <optional>

#include "models/hw/core/hw_config.hpp"
#include "point_inputs.hpp"
#include "point_result.hpp"
#include "sweep_plan.hpp"

namespace qtsim::sweep {

struct PointRunOptions {
  hw::ExecMode mode = hw::ExecMode::timing;
  // Also keep the step's stats.json in DIR/points/ID/ (for `qtsim report`).
  bool keep_stats = false;
  std::filesystem::path out_dir;
};

// The point's result, or nothing when a signal stopped the simulation.
// `portable` rewrites machine-specific paths in the kept stats.json.
std::optional<PointResult> run_point(const PlannedPoint& point, const PointInputs& inputs, const PointRunOptions& options,
                                     std::string (*portable)(std::string));

}  // namespace qtsim::sweep
