#pragma once
// stats.json of a SCALE-Sim run: qtsim's accelerator running the topology's
// forward GEMMs, in the format `qtsim simulate` writes (qtsim-stats, version
// 2: one kernel row per layer with its cycles and action counts, the hardware
// document, totals), so `qtsim report DIR` gives the run's energy, area and
// power like any run's. "workload" is the topology (batch 1: SCALE-Sim runs
// one input), "scheme" is null (no training), and "scalesim" names the cfg,
// the topology and the bandwidth mode; COMPUTE_REPORT.csv holds SCALE-Sim's
// own cycles.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scalesim/run_scalesim.hpp"

namespace qtsim::scalesim {

nlohmann::ordered_json scalesim_stats_document(const ScaleSimConfig& cfg, const std::string& topology_file,
                                               bool ideal_memory, const std::vector<ScaleSimLayerResult>& results);

}  // namespace qtsim::scalesim
