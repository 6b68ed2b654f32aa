#pragma once
// Constraints that skip points before anything runs: bounds on the total SRAM,
// the cost model's area of the hardware (cost::estimate_area with the point's
// technology table: no simulation needed) or the number of PEs.
#include <string>
#include <vector>

#include "models/cost/tech_table.hpp"
#include "models/hw/core/hw_config.hpp"
#include "sweep_spec.hpp"

namespace qtsim::sweep {

// The metric's value for this hardware (area_mm2 costs the area: only asked when a constraint needs it).
double metric_value(const std::string& metric, const hw::HwConfig& config, const cost::TechTable& table);

// Why the point is skipped ("area_mm2 = 12.3 > max 10"), or "" when it satisfies every constraint.
std::string constraint_violation(const std::vector<Constraint>& constraints, const hw::HwConfig& config,
                                 const cost::TechTable& table);

// Follows each constraint over every point of a plan, to tell a constraint
// that no point satisfies (an error in the sweep file) from a strict one.
class ConstraintTally {
 public:
  explicit ConstraintTally(const std::vector<Constraint>& constraints);
  void add(const hw::HwConfig& config, const cost::TechTable& table);
  // Throws input::InputError (the sweep file) for a constraint no point
  // satisfies, or constraints that together leave no point.
  void check(const std::string& sweep_file) const;

 private:
  struct Seen {
    double low = 0, high = 0;
    std::size_t satisfied = 0;
  };
  const std::vector<Constraint>& constraints_;
  std::vector<Seen> seen_;
  std::size_t points_ = 0, kept_ = 0;
};

}  // namespace qtsim::sweep
