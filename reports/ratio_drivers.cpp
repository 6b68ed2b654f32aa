#include "ratio_drivers.hpp"

#include <algorithm>
#include <cmath>

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

std::vector<Driver> ratio_drivers(const std::vector<std::pair<std::string, double>>& baseline,
                                  const std::vector<std::pair<std::string, double>>& other, DriverQuantity q,
                                  std::size_t count) {
  std::map<std::string, Driver> by;
  double tb = 0, to = 0;
  for (const auto& [f, v] : baseline) {
    by[f].baseline += v;
    tb += v;
  }
  for (const auto& [f, v] : other) {
    by[f].other += v;
    to += v;
  }
  std::vector<Driver> out;
  for (auto& [f, d] : by) {
    d.figure = f;
    d.difference = d.baseline - d.other;
    d.share = tb - to != 0 ? d.difference / (tb - to) : 0.0;
    d.vary_path = vary_path_of(f, q);
    out.push_back(d);
  }
  std::stable_sort(out.begin(), out.end(), [](const Driver& a, const Driver& b) {
    return std::fabs(a.difference) > std::fabs(b.difference);
  });
  if (out.size() > count) out.resize(count);
  return out;
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
