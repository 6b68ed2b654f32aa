#pragma once
// "What drives this ratio": the technology-table figures behind the
// difference between two designs. Given the energy (or area, or power)
// behind each plain table figure of the baseline and of the other design,
// the figures with the largest difference are the entries that dominate the
// ratio; each is named with the --vary path that changes it.
//
// Each figure's absolute difference is always given. Its share of the net
// difference (baseline total - other total) is given only when the
// differences do not largely offset: when |net| >= gross / 2 (gross = the sum
// of every figure's |difference|), every share lies in [-50%, 150%]. Near a
// ratio of 1 the net is small against the figures' differences in either
// direction, shares of it would run into thousands of percent, and they are
// left out (NaN): the absolute differences and each figure's share of the
// gross difference (in [-100%, 100%]) say what moves the ratio.
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace qtsim::reports {

struct Driver {
  std::string figure;     // plain table figure ("fp32.mul", "sram.vector.read", "leakage.sram.ifmap", "sram.area_mm2")
  double baseline = 0;    // its contribution in the baseline
  double other = 0;       // in the other design
  double difference = 0;  // baseline - other
  double share = 0;       // difference / net difference, in [-0.5, 1.5]; NaN when the differences offset
  double gross_share = 0; // difference / gross difference, in [-1, 1]
  std::string vary_path;  // what --vary changes it ("fp32.mul.energy_pj", "sram.leakage_factor", ...)
};

enum class DriverQuantity { energy, area };

struct DriverSet {
  std::vector<Driver> top;  // the figures with the largest |difference|, largest first
  double net = 0;           // baseline total - other total (every figure)
  double gross = 0;         // sum over every figure of |difference|
  // The differences largely cancel: |net| < gross / 2 (shares of the net are left out).
  bool offsetting() const;
};

// The `count` figures with the largest |difference|, largest first (ties by name).
DriverSet ratio_drivers(const std::vector<std::pair<std::string, double>>& baseline,
                                  const std::vector<std::pair<std::string, double>>& other, DriverQuantity q,
                                  std::size_t count);

// The --vary path of a plain figure (energy or area).
std::string vary_path_of(const std::string& figure, DriverQuantity q);

// Contributions scaled by a factor (energy per figure / seconds -> power per figure).
std::vector<std::pair<std::string, double>> scaled(const std::vector<std::pair<std::string, double>>& v, double factor);

// A map as pairs (for area.by_figure_um2).
std::vector<std::pair<std::string, double>> as_pairs(const std::map<std::string, double>& m);

}  // namespace qtsim::reports
