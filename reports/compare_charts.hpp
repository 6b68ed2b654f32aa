#pragma once
// The charts of compare.html, as data (rendered by svg_bar_chart). Every
// unit, phase and part keeps its colour of unit_colors.hpp in each chart.
//
// The whole-design charts come in two sets: the baseline against the
// candidate alone, each chart on its own scale (the comparison that
// matters), and every design; there, a design far outside the others (more
// than 3x the median of all designs, typically the slow iso-area FP32
// design's energy and latency) is drawn apart in its own chart, so it does
// not squeeze the others into slivers.
#include <string>
#include <vector>

#include "reports/compare_model.hpp"
#include "reports/svg_bar_chart.hpp"

namespace qtsim::reports {

enum class DesignMetric { energy, power, latency, area };
const std::vector<DesignMetric>& design_metrics();
std::string metric_name(DesignMetric m);  // "energy", "average power", "latency", "area"

// The designs `keys` (in the comparison's order), stacked by unit (by phase
// for latency); `id` (letters, digits, '-') names the selection in the
// chart's id, `group` in its title.
// A row's note is its total and, for a design other than the baseline, its
// ratio to the baseline.
BarChart design_chart(const Comparison& c, DesignMetric m, const std::vector<std::string>& keys, const std::string& id,
                      const std::string& group);

// Designs whose total is more than 3x the median of every design's.
std::vector<std::string> outlier_designs(const Comparison& c, DesignMetric m);

BarChart norm_power_chart(const Comparison& c);        // per design and scope: unit, traffic, leakage
BarChart norm_latency_chart(const Comparison& c);      // per design and scope

}  // namespace qtsim::reports
