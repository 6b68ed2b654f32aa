#pragma once
// The points a sweep runs, each with its id, its parameters, the digest of its
// inputs and, for a point a constraint skips, why. Making the plan checks
// every point's documents (a value a target refuses is an error before
// anything runs), so the plan is also the sweep file's full check. It is
// written as DIR/plan.json: the points' order and the sweep they belong to,
// for the runner, the points run by other schedulers and `sweep collect`.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "point_inputs.hpp"
#include "sweep_spec.hpp"

namespace qtsim::sweep {

struct PlannedPoint {
  std::string id;
  nlohmann::ordered_json parameters;
  std::string digest;   // of its inputs (PointInputs::digest)
  std::string skipped;  // the constraint it violates ("" when it runs)
};

struct SweepPlan {
  std::string name, description;
  std::vector<std::string> parameter_names;
  std::uint64_t grid_points = 0;
  std::optional<Sample> sample;
  std::vector<PlannedPoint> points;  // grid order

  const PlannedPoint* find(const std::string& id) const;
  std::vector<const PlannedPoint*> runnable() const;  // not skipped, in order
  // Identifies the plan's content (names, points, digests), not where it was written.
  std::string digest() const;
};

// Throws input::InputError listing the distinct problems of every point.
SweepPlan make_plan(const SweepSpec& spec, PointResolver& resolver);

// Where a planned point is in the grid of `spec`, from its parameters; throws
// input::InputError when the sweep file no longer has that point.
GridCoordinates coordinates_of(const SweepSpec& spec, const PlannedPoint& point);

nlohmann::ordered_json plan_to_json(const SweepPlan& plan);
// Throws input::InputError naming `file` for anything that is not a plan.
SweepPlan plan_from_json(const nlohmann::json& doc, const std::string& file);

}  // namespace qtsim::sweep
