#pragma once
// `qtsim sweep SWEEP.json --out DIR --point ID`: one point of the plan in
// DIR/plan.json run in this process, its result written to DIR/points/ID.json.
// The runner starts one such process per point (SystemC elaborates once per
// process); any other scheduler can run the lines of `--list` the same way.
// Without DIR/plan.json the sweep is planned first (and the plan written).
#include <filesystem>
#include <string>

#include "point_run.hpp"
#include "sweep_spec.hpp"

namespace qtsim::sweep {

// The plan in `out_dir`, or a new one written there when it has none.
SweepPlan plan_in(const std::filesystem::path& out_dir, const SweepSpec& spec, const compare::PresetLocator& presets);

// Exit code: 0 the point completed, 1 it failed (its error is in the result
// and on stderr), 128 + signal when interrupted (no result written). Throws
// input::InputError when ID is not a point to run of that plan, or the sweep
// file no longer gives the inputs the plan recorded for it.
int run_planned_point(const SweepSpec& spec, const compare::PresetLocator& presets, const std::string& id,
                      const PointRunOptions& options, std::string (*portable)(std::string));

}  // namespace qtsim::sweep
