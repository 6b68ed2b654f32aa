#pragma once
// "What drives this ratio": the technology-table figures behind the
// difference between two designs. Given the energy (or area, or power)
// behind each plain table figure of the baseline and of the other design,
// the figures with the largest difference are the entries that dominate the
// ratio; each is named with the --vary path that changes it.
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
  double share = 0;       // difference / (baseline total - other total); may exceed 1 or be negative
  std::string vary_path;  // what --vary changes it ("fp32.mul.energy_pj", "sram.leakage_factor", ...)
};

enum class DriverQuantity { energy, area };

// The `count` figures with the largest |difference|, largest first (ties by name).
std::vector<Driver> ratio_drivers(const std::vector<std::pair<std::string, double>>& baseline,
                                  const std::vector<std::pair<std::string, double>>& other, DriverQuantity q,
                                  std::size_t count);

// The --vary path of a plain figure (energy or area).
std::string vary_path_of(const std::string& figure, DriverQuantity q);

// Contributions scaled by a factor (energy per figure / seconds -> power per figure).
std::vector<std::pair<std::string, double>> scaled(const std::vector<std::pair<std::string, double>>& v, double factor);

// A map as pairs (for area.by_figure_um2).
std::vector<std::pair<std::string, double>> as_pairs(const std::map<std::string, double>& m);

}  // namespace qtsim::reports
