#pragma once
// The range every number of a technology table may take (docs/COSTMODEL.md,
// "Ranges"). The cost model multiplies action counts (64-bit) by per-action
// figures, sums a few hundred such products, and raises SRAM capacity and
// width ratios (at most 2^50 and 2^16 either way) to exponents of at most 4.
// With every figure inside these bounds each of those results stays below
// 1e150, far inside the double range, so no report, CSV or JSON can hold inf
// or NaN. The bounds are far above any real circuit's (1 mJ per action, 1 m^2
// per instance); a figure outside them is refused where it is defined: in the
// table's file, or on the command line (--vary).
#include <string>
#include <string_view>

namespace qtsim::cost {

struct FigureRange {
  double low = 0, high = 0;
  bool low_exclusive = false;
  std::string_view unit;  // "pJ", "um^2", ... ("" for pure numbers)
  bool contains(double v) const;
  // "a number in [0, 1e+09] pJ" (what a message expects)
  std::string describe() const;
};

// The range of a table number by its path (the --vary paths of
// tech_table.hpp: ENTRY.energy_pj, sram.read_energy_pj.k, sram.leakage_factor,
// dram.TYPE.energy_pj_per_bit, ...); an empty range (high < low) for a path
// that names no known kind of number.
FigureRange range_of_path(std::string_view path);

// A derived table's scale factors (energy, area, leakage).
FigureRange scale_range();

}  // namespace qtsim::cost
