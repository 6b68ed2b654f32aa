#include "design_figures.hpp"

#include <limits>

namespace qtsim::sweep {

namespace {

double quotient(double a, double b) { return b > 0 ? a / b : std::numeric_limits<double>::quiet_NaN(); }

}  // namespace

EfficiencyFigures efficiency_figures(std::uint64_t macs, double energy_pj, double latency_s, double area_mm2) {
  const double ops = 2.0 * static_cast<double>(macs);
  EfficiencyFigures f;
  f.pj_per_mac = quotient(energy_pj, static_cast<double>(macs));
  f.tops_per_w = quotient(ops, energy_pj);  // ops / (pJ x 1e-12) / 1e12
  f.tops_per_mm2 = quotient(quotient(ops, latency_s) * 1e-12, area_mm2);
  return f;
}

}  // namespace qtsim::sweep
