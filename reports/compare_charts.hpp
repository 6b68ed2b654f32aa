#pragma once
// The charts of compare.html, as data (rendered by svg_bar_chart).
#include "reports/compare_model.hpp"
#include "reports/svg_bar_chart.hpp"

namespace qtsim::reports {

BarChart compare_energy_chart(const Comparison& c);    // per design, stacked by unit
BarChart compare_power_chart(const Comparison& c);     // per design, stacked by unit
BarChart compare_area_chart(const Comparison& c);      // per design, stacked by unit
BarChart compare_latency_chart(const Comparison& c);   // per design, stacked by phase
BarChart norm_power_chart(const Comparison& c);        // per design and scope: unit, traffic, leakage
BarChart norm_latency_chart(const Comparison& c);      // per design and scope

}  // namespace qtsim::reports
