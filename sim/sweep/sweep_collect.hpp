#pragma once
// `qtsim sweep collect DIR...`: the plan of the sweep and every point result
// found in the folders (one sweep's output folder, or the folders of its
// shards), merged into one reports::SweepTable in plan order. A point without
// a result matching the plan (its digest) is missing; collect works on a
// partial sweep. The folders must hold the same plan.
#include <filesystem>
#include <string>
#include <vector>

#include "reports/sweep_table.hpp"

namespace qtsim::sweep {

struct Collected {
  reports::SweepTable table;
  std::size_t stale = 0;  // result files of points the plan does not have, or made from other inputs
};

// Throws input::InputError for a folder without a plan, folders with
// different plans, or a damaged result file.
Collected collect(const std::vector<std::filesystem::path>& dirs);

}  // namespace qtsim::sweep
