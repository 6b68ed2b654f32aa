#pragma once
// The efficiency figures of a design, defined once (docs/SWEEP.md, "Figures"):
//
//   pJ/MAC   = energy [pJ] / MACs
//   TOPS/W   = 2 x MACs / energy [J] / 1e12        (an operation is a multiply or an add: 2 per MAC)
//   TOPS/mm2 = 2 x MACs / latency [s] / 1e12 / area [mm2]
//
// MACs are the multiply-accumulates the MAC array performed (int8 or FP32
// actions of the run: the work of the step, not the array's peak). Energy,
// latency and area are the cost model's (cost::estimate). Self-contained so
// that `report` and `compare` can share it. An undefined figure (a zero
// denominator) is NaN.
#include <cstdint>

namespace qtsim::sweep {

struct EfficiencyFigures {
  double pj_per_mac = 0, tops_per_w = 0, tops_per_mm2 = 0;
};

EfficiencyFigures efficiency_figures(std::uint64_t macs, double energy_pj, double latency_s, double area_mm2);

}  // namespace qtsim::sweep
