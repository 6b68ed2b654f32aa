#pragma once
// One colour per unit of the accelerator, the same in every chart of
// report.html and compare.html (render_svg looks series up by name): the MAC
// array is always orange, DRAM vermillion, the SRAM buffers blues, leakage
// grey, whichever chart and whichever series are present. Training phases,
// busy/stalled time and the parts of the normalization stage have fixed
// colours too. Based on the Okabe-Ito colour-blind-safe palette (Okabe and Ito,
// "Color Universal Design", 2008), extended with Paul Tol's for phases.
#include <string>
#include <utility>
#include <vector>

namespace qtsim::reports {

// The colour of a unit, phase or part, "" for a name without one. An area
// component ("mac_array.pe", "vector_unit.lanes") takes its unit's colour.
std::string unit_color(const std::string& name);

// Every name with a colour, in a fixed order (for the docs and tests).
const std::vector<std::pair<std::string, std::string>>& unit_palette();

}  // namespace qtsim::reports
