#include "constraints.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "models/cost/cost_model.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::sweep {

double metric_value(const std::string& metric, const hw::HwConfig& c, const cost::TechTable& table) {
  if (metric == "total_sram_kib")
    return static_cast<double>(c.ifmap.capacity_bytes + c.filter.capacity_bytes + c.ofmap.capacity_bytes +
                               c.vector.capacity_bytes) / 1024.0;
  if (metric == "pes") return static_cast<double>(c.array.rows) * c.array.cols;
  return cost::estimate_area(c, table).total_um2 * 1e-6;  // area_mm2 (the schema allows no other)
}

namespace {

bool satisfies(const Constraint& k, double v) { return (!k.min || v >= *k.min) && (!k.max || v <= *k.max); }

}  // namespace

std::string constraint_violation(const std::vector<Constraint>& constraints, const hw::HwConfig& config,
                                 const cost::TechTable& table) {
  for (const Constraint& k : constraints) {
    const double v = metric_value(k.metric, config, table);
    if (satisfies(k, v)) continue;
    return k.min && v < *k.min ? fmt::format("{} = {:.4g} < min {:g}", k.metric, v, *k.min)
                               : fmt::format("{} = {:.4g} > max {:g}", k.metric, v, *k.max);
  }
  return "";
}

ConstraintTally::ConstraintTally(const std::vector<Constraint>& constraints)
    : constraints_(constraints), seen_(constraints.size()) {}

void ConstraintTally::add(const hw::HwConfig& config, const cost::TechTable& table) {
  bool kept = true;
  for (std::size_t i = 0; i < constraints_.size(); ++i) {
    const double v = metric_value(constraints_[i].metric, config, table);
    Seen& s = seen_[i];
    s.low = points_ == 0 ? v : std::min(s.low, v);
    s.high = points_ == 0 ? v : std::max(s.high, v);
    if (satisfies(constraints_[i], v))
      ++s.satisfied;
    else
      kept = false;
  }
  ++points_;
  if (kept) ++kept_;
}

void ConstraintTally::check(const std::string& sweep_file) const {
  if (points_ == 0) return;
  input::DiagnosticList diags(sweep_file);
  for (std::size_t i = 0; i < constraints_.size(); ++i)
    if (seen_[i].satisfied == 0)
      diags.add(constraints_[i].pointer, "a constraint that some point of the sweep satisfies",
                fmt::format("none of the {} points: {} ranges from {:.4g} to {:.4g}", points_, constraints_[i].metric,
                            seen_[i].low, seen_[i].high));
  if (diags.empty() && kept_ == 0)
    diags.add("/constraints", "constraints that leave at least one point",
              fmt::format("every one of the {} points violates one of them", points_));
  diags.throw_if_any();
}

}  // namespace qtsim::sweep
