#include "ratio_drivers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qtsim::reports {

std::string vary_path_of(const std::string& f, DriverQuantity q) {
  auto starts = [&](const char* p) { return f.rfind(p, 0) == 0; };
  auto ends = [&](const char* p) {
    const std::string s(p);
    return f.size() >= s.size() && f.compare(f.size() - s.size(), s.size(), s) == 0;
  };
  if (q == DriverQuantity::area) {
    if (f == "sram.area_mm2") return "sram.area_mm2.k";
    if (f == "area_overhead_fraction") return "area_overhead_fraction";
    return f + ".area_um2";
  }
  if (starts("leakage.sram.")) return "sram.leakage_factor";
  if (f == "leakage.logic") return "logic_leakage_mw_per_mm2";
  if (starts("sram.") && ends(".read")) return "sram.read_energy_pj.k";
  if (starts("sram.") && ends(".write")) return "sram.write_energy_ratio";
  if (starts("dram.")) return f + ".energy_pj_per_bit";
  return f + ".energy_pj";
}

bool DriverSet::offsetting() const { return gross > 0 && std::fabs(net) < gross / 2; }

DriverSet ratio_drivers(const std::vector<std::pair<std::string, double>>& baseline,
                        const std::vector<std::pair<std::string, double>>& other, DriverQuantity q, std::size_t count) {
  std::map<std::string, Driver> by;
  for (const auto& [f, v] : baseline) by[f].baseline += v;
  for (const auto& [f, v] : other) by[f].other += v;
  DriverSet set;
  for (auto& [f, d] : by) {
    d.figure = f;
    d.difference = d.baseline - d.other;
    d.vary_path = vary_path_of(f, q);
    set.net += d.difference;
    set.gross += std::fabs(d.difference);
    set.top.push_back(d);
  }
  const bool offset = set.offsetting();
  for (Driver& d : set.top) {
    d.share = offset ? std::numeric_limits<double>::quiet_NaN() : set.net != 0 ? d.difference / set.net : 0.0;
    d.gross_share = set.gross > 0 ? d.difference / set.gross : 0.0;
  }
  std::stable_sort(set.top.begin(), set.top.end(), [](const Driver& a, const Driver& b) {
    return std::fabs(a.difference) > std::fabs(b.difference);
  });
  if (set.top.size() > count) set.top.resize(count);
  return set;
}

std::vector<std::pair<std::string, double>> scaled(const std::vector<std::pair<std::string, double>>& v, double factor) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [k, x] : v) out.push_back({k, x * factor});
  return out;
}

std::vector<std::pair<std::string, double>> as_pairs(const std::map<std::string, double>& m) {
  return {m.begin(), m.end()};
}

}  // namespace qtsim::reports
