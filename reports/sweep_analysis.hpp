#pragma once
// What a collected sweep says: its Pareto fronts (energy vs latency, area vs
// latency, TOPS/W vs TOPS/mm2) over the points that ran, and the FP32-BN vs
// int8-EOQ question across the space: every pair of points that differ only in
// their variant, with FP32-BN / int8-EOQ ratios (above 1: EOQ is better).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sweep_table.hpp"

namespace qtsim::reports {

// An objective of the fronts: a figure, its label and unit, and its direction.
struct Objective {
  std::string key;   // the figure's name in sweep.csv
  std::string name;  // "energy per training step"
  std::string unit;  // "J", "s", "mm2", "TOPS/W"
  bool maximize = false;
  double (*value)(const SweepFigures&);
};

struct ParetoFront {
  std::string key, title;
  Objective x, y;
  std::vector<std::size_t> points;  // indices into SweepTable::points, by x from best to worst
};

struct SchemePair {
  std::size_t fp32 = 0, eoq = 0;  // indices into SweepTable::points
  double energy = 0, speedup = 0, area = 0, power = 0;  // FP32-BN / int8-EOQ
};

// The spread of one ratio over the pairs.
struct RatioSpread {
  double min = 0, median = 0, max = 0;
  std::size_t at_min = 0, at_max = 0;  // indices into pairs
};

struct SchemeAdvantage {
  std::vector<SchemePair> pairs;  // plan order of the FP32-BN point
  std::optional<RatioSpread> energy, speedup, area, power;  // none without pairs
};

struct SweepAnalysis {
  std::vector<ParetoFront> fronts;
  SchemeAdvantage eoq;
};

SweepAnalysis analyse(const SweepTable& table);

// The answer in one sentence: "Over these 90 designs, int8-EOQ's energy
// advantage over FP32-BN ranges from 1.9x (...) to 3.4x (...), median 2.4x."
// or why there is none.
std::string eoq_answer(const SweepTable& table, const SweepAnalysis& a);

// The parameters of a point without its variant (what a pair has in common).
std::string design_without_variant(const SweepPoint& p);

}  // namespace qtsim::reports
