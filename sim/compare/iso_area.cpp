#include "iso_area.hpp"

#include <cmath>

#include <fmt/format.h>

#include "models/cost/cost_model.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"

namespace qtsim::compare {

namespace {

constexpr int kMaxSide = 256;

struct Best {
  int rows = 1, cols = 1;
  double area = 0, error = INFINITY;
};

Best search(hw::HwConfig config, double target, const cost::TechTable& table) {
  auto area = [&](int r, int c) {
    config.array.rows = r;
    config.array.cols = c;
    return cost::estimate_area(config, table).total_um2;
  };
  Best best;
  auto consider = [&](int r, int c) {
    const double a = area(r, c), e = std::fabs(a - target);
    if (e < best.error - 1e-9 || (std::fabs(e - best.error) <= 1e-9 && std::abs(r - c) < std::abs(best.rows - best.cols)))
      best = {r, c, a, e};
  };
  for (int r = 1; r <= kMaxSide; ++r) {
    // Area grows with the column count: find the first C whose area reaches the target.
    int lo = std::max(1, (r + 1) / 2), hi = std::min(kMaxSide, 2 * r);
    const int first = lo, last = hi;
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (area(r, mid) < target) lo = mid + 1;
      else hi = mid;
    }
    consider(r, lo);
    if (lo > first) consider(r, lo - 1);
    if (lo < last) consider(r, lo + 1);
  }
  return best;
}

}  // namespace

nlohmann::ordered_json IsoAreaMatch::to_json() const {
  return {{"target_um2", target_um2}, {"area_um2", area_um2}, {"rows", rows}, {"cols", cols},
          {"candidate_sram", candidate_sram}, {"reachable", reachable}, {"how", how}};
}

IsoAreaMatch match_iso_area(const nlohmann::json& baseline, const nlohmann::json& candidate, double target,
                            const cost::TechTable& table, const std::string& file) {
  IsoAreaMatch m;
  m.target_um2 = target;
  nlohmann::json doc = baseline;
  hw::HwConfig config = hwconfig::parse_hw_config(doc, file);
  hw::HwConfig smallest = config;
  smallest.array.rows = smallest.array.cols = 1;
  if (cost::estimate_area(smallest, table).total_um2 > target && candidate.contains("sram")) {
    doc["sram"] = candidate.at("sram");
    config = hwconfig::parse_hw_config(doc, file + " [with the candidate's SRAM]");
    m.candidate_sram = true;
  }
  const Best b = search(config, target, table);
  m.rows = b.rows;
  m.cols = b.cols;
  m.area_um2 = b.area;
  m.reachable = b.error <= 0.05 * target;
  doc["mac_array"]["rows"] = b.rows;
  doc["mac_array"]["cols"] = b.cols;
  doc["name"] = fmt::format("{}-iso-area-{}x{}", doc.value("name", std::string("hw")), b.rows, b.cols);
  m.document = doc;
  m.how = fmt::format("{} MAC array resized to {}x{} so the design's area ({:.4g} mm2) matches the int8 candidate's "
                      "({:.4g} mm2, {:+.1f}%){}",
                      baseline.value("name", std::string("baseline")), b.rows, b.cols, b.area * 1e-6, target * 1e-6,
                      target > 0 ? 100.0 * (b.area - target) / target : 0.0,
                      m.candidate_sram ? "; the baseline's own SRAM alone is larger than the target, so it takes the "
                                         "candidate's SRAM buffers (same on-chip memory, the area difference is the arithmetic's)"
                                       : "");
  if (!m.reachable) m.how += "; no array size comes within 5% of the target";
  return m;
}

}  // namespace qtsim::compare
