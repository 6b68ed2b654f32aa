#include "figure_limits.hpp"

#include <cmath>

#include <fmt/format.h>

namespace qtsim::cost {

namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace

bool FigureRange::contains(double v) const {
  return std::isfinite(v) && (low_exclusive ? v > low : v >= low) && v <= high;
}

std::string FigureRange::describe() const {
  return fmt::format("a number in {}{:g}, {:g}]{}{}", low_exclusive ? "(" : "[", low, high, unit.empty() ? "" : " ", unit);
}

FigureRange range_of_path(std::string_view path) {
  if (ends_with(path, ".energy_pj_per_bit")) return {0, 1e6, false, "pJ per bit"};
  if (ends_with(path, ".energy_pj")) return {0, 1e9, false, "pJ"};
  if (ends_with(path, ".area_um2")) return {0, 1e12, false, "um^2"};
  if (ends_with(path, ".latency_cycles")) return {0, 1e9, false, "cycles"};
  if (path == "sram.read_energy_pj.k") return {0, 1e9, true, "pJ"};
  if (path == "sram.area_mm2.k") return {0, 1e6, true, "mm^2"};
  if (path == "sram.leakage_mw.k") return {0, 1e9, true, "mW"};
  if (ends_with(path, ".p")) return {-4, 4, false, ""};
  if (path == "sram.word_width_exponent") return {0, 4, false, ""};
  if (path == "sram.write_energy_ratio" || path == "sram.extra_port_area_factor" || path == "sram.leakage_factor" ||
      path == "area_overhead_fraction")
    return {0, 1e3, false, ""};
  if (path == "logic_leakage_mw_per_mm2") return {0, 1e9, false, "mW per mm^2"};
  return {1, 0, false, ""};
}

FigureRange scale_range() { return {1e-6, 1e6, false, ""}; }

}  // namespace qtsim::cost
