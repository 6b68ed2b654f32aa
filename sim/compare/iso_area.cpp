#include "iso_area.hpp"

#include <cmath>

#include <fmt/format.h>

#include "models/cost/cost_model.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"

namespace qtsim::compare {

namespace {

constexpr int kMaxSide = 256;

using Measure = std::function<double(const hw::HwConfig&)>;

struct Best {
  int rows = 1, cols = 1;
  double value = 0, error = INFINITY;
};

// The R x C closest to `target` by `measure`, which grows with C at fixed R.
Best search(hw::HwConfig config, double target, const Measure& measure) {
  auto at = [&](int r, int c) {
    config.array.rows = r;
    config.array.cols = c;
    return measure(config);
  };
  Best best;
  auto consider = [&](int r, int c) {
    const double v = at(r, c), e = std::fabs(v - target);
    if (e < best.error - 1e-9 || (std::fabs(e - best.error) <= 1e-9 && std::abs(r - c) < std::abs(best.rows - best.cols)))
      best = {r, c, v, e};
  };
  for (int r = 1; r <= kMaxSide; ++r) {
    int lo = std::max(1, (r + 1) / 2), hi = std::min(kMaxSide, 2 * r);
    const int first = lo, last = hi;
    while (lo < hi) {  // the first C reaching the target
      const int mid = (lo + hi) / 2;
      if (at(r, mid) < target) lo = mid + 1;
      else hi = mid;
    }
    consider(r, lo);
    if (lo > first) consider(r, lo - 1);
    if (lo < last) consider(r, lo + 1);
  }
  return best;
}

double array_area(const cost::AreaBreakdown& a) {
  double s = 0;
  for (const cost::AreaItem& it : a.items)
    if (it.category == "mac_array") s += it.um2;
  return s;
}

hw::HwConfig resized(hw::HwConfig c, int rows, int cols) {
  c.array.rows = rows;
  c.array.cols = cols;
  return c;
}

}  // namespace

nlohmann::ordered_json IsoAreaMatch::to_json() const {
  return {{"matched", matched}, {"target_um2", target_um2}, {"area_um2", area_um2}, {"total_um2", total_um2},
          {"rows", rows},       {"cols", cols},             {"reachable", reachable}, {"how", how}};
}

IsoAreaMatch match_iso_area(const nlohmann::json& baseline, const nlohmann::json& candidate, const cost::TechTable& table,
                            const std::string& file, const RunsCheck& runs) {
  const hw::HwConfig cand = hwconfig::parse_hw_config(candidate, file);
  const cost::AreaBreakdown cand_area = cost::estimate_area(cand, table);
  const Measure total = [&](const hw::HwConfig& c) { return cost::estimate_area(c, table).total_um2; };
  const Measure array = [&](const hw::HwConfig& c) { return array_area(cost::estimate_area(c, table)); };
  const std::string base_name = baseline.value("name", std::string("baseline"));

  nlohmann::json doc = baseline;
  hw::HwConfig config = hwconfig::parse_hw_config(doc, file);
  IsoAreaMatch m;
  std::string why;
  Best b;
  if (total(resized(config, 1, 1)) <= cand_area.total_um2) {
    m.matched = "total";
    m.target_um2 = cand_area.total_um2;
    b = search(config, m.target_um2, total);
  } else {
    why = fmt::format("{}'s SRAM alone ({:.4g} mm2 with a 1x1 array) is larger than the whole int8 design ({:.4g} mm2)",
                      base_name, total(resized(config, 1, 1)) * 1e-6, cand_area.total_um2 * 1e-6);
    nlohmann::json with_sram = baseline;
    with_sram["sram"] = candidate.value("sram", nlohmann::json::object());
    const hw::HwConfig c2 = hwconfig::parse_hw_config(with_sram, file + " [with the candidate's SRAM]");
    const Best b2 = search(c2, cand_area.total_um2, total);
    const std::string fails = total(resized(c2, 1, 1)) > cand_area.total_um2
                                  ? std::string("even a 1x1 array is larger than the target")
                                  : runs(resized(c2, b2.rows, b2.cols));
    if (fails.empty()) {
      m.matched = "total, candidate SRAM";
      m.target_um2 = cand_area.total_um2;
      doc = with_sram;
      config = c2;
      b = b2;
    } else {
      why += "; with the candidate's SRAM buffers: " + fails;
      m.matched = "array";
      m.target_um2 = array_area(cand_area);
      b = search(config, m.target_um2, array);
    }
  }
  m.rows = b.rows;
  m.cols = b.cols;
  m.area_um2 = b.value;
  m.total_um2 = total(resized(config, b.rows, b.cols));
  m.reachable = b.error <= 0.05 * m.target_um2;
  doc["mac_array"]["rows"] = b.rows;
  doc["mac_array"]["cols"] = b.cols;
  doc["name"] = fmt::format("{}-iso-area-{}x{}", base_name, b.rows, b.cols);
  m.document = doc;
  const double off = m.target_um2 > 0 ? 100.0 * (m.area_um2 - m.target_um2) / m.target_um2 : 0.0;
  if (m.matched == "total")
    m.how = fmt::format("{} with its MAC array resized to {}x{}: total area {:.4g} mm2 vs the int8 candidate's {:.4g} mm2 ({:+.1f}%)",
                        base_name, b.rows, b.cols, m.area_um2 * 1e-6, m.target_um2 * 1e-6, off);
  else if (m.matched == "total, candidate SRAM")
    m.how = fmt::format("{} with the candidate's SRAM buffers and its MAC array resized to {}x{}: total area {:.4g} mm2 vs "
                        "the int8 candidate's {:.4g} mm2 ({:+.1f}%), because {} (same on-chip memory: the area left is "
                        "the arithmetic's)",
                        base_name, b.rows, b.cols, m.area_um2 * 1e-6, m.target_um2 * 1e-6, off, why);
  else
    m.how = fmt::format("total area cannot be matched: {}. Matched the MAC array's area instead, keeping {}'s SRAM: "
                        "{}x{} FP32 array {:.4g} mm2 vs the int8 array's {:.4g} mm2 ({:+.1f}%); the design's total is "
                        "{:.4g} mm2",
                        why, base_name, b.rows, b.cols, m.area_um2 * 1e-6, m.target_um2 * 1e-6, off, m.total_um2 * 1e-6);
  if (!m.reachable) m.how += " (no array size comes within 5% of the target)";
  return m;
}

}  // namespace qtsim::compare
