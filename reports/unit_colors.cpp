#include "unit_colors.hpp"

namespace qtsim::reports {

const std::vector<std::pair<std::string, std::string>>& unit_palette() {
  static const std::vector<std::pair<std::string, std::string>> p{
      // units (cost::unit_categories(), area categories)
      {"mac_array", "#E69F00"},
      {"vector_unit", "#009E73"},
      {"norm_unit", "#CC79A7"},
      {"random_unit", "#F0E442"},
      {"sram.ifmap", "#56B4E9"},
      {"sram.filter", "#0072B2"},
      {"sram.ofmap", "#004C7A"},
      {"sram.vector", "#9DD3F5"},
      {"dram", "#D55E00"},
      {"dma", "#8A5F00"},
      {"leakage", "#999999"},
      {"overhead", "#D9D9D9"},
      // training phases
      {"forward", "#332288"},
      {"backward-data", "#117733"},
      {"backward-weights", "#AA4499"},
      {"update", "#DDCC77"},
      // time of a unit
      {"busy", "#44AA99"},
      {"stall", "#882255"},
      // the normalization stage's power
      {"norm-unit arithmetic", "#CC79A7"},
      {"memory traffic", "#6699CC"},
      {"chip leakage", "#999999"}};
  return p;
}

std::string unit_color(const std::string& name) {
  std::string best;
  std::size_t best_length = 0;
  for (const auto& [key, color] : unit_palette()) {
    if (name == key) return color;
    // "mac_array.pe" -> mac_array; "sram.ifmap.bank" -> sram.ifmap (the longest unit that prefixes it).
    if (name.size() > key.size() && name.compare(0, key.size(), key) == 0 && name[key.size()] == '.' && key.size() > best_length) {
      best = color;
      best_length = key.size();
    }
  }
  return best;
}

}  // namespace qtsim::reports
