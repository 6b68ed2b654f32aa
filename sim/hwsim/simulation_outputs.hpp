#pragma once
// The files `qtsim simulate` writes (docs/HARDWARE.md "Outputs"): stats.json
// with every figure plus the workload, scheme and hardware used, and ops.csv,
// layers.csv, phases.csv, mappings.csv, steps.csv. stats.json is a summary whose size does
// not grow with the step count (per-kernel rows summed over the steps); the
// per-step and per-kernel-run detail is in steps.csv and ops.csv. Data files
// contain nothing that depends on the time or the machine.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/hwsim/hw_session.hpp"
#include "sim/hwsim/run_stats.hpp"
#include "sim/util/output_folder.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::hwsim {

struct SimulationOutputs {
  const workload::Workload& workload;
  const hw::HwConfig& config;
  const nlohmann::json& hw_document;
  const SessionOptions& session;
  const RunStats& stats;
  const std::vector<StepOutcome>& steps;
  int interrupted_by = 0;  // the run stopped early on this signal: outputs hold the completed steps, marked partial
};

nlohmann::ordered_json stats_document(const SimulationOutputs& o);
// One row per completed step: cycles, and in exact mode loss, correct
// predictions, saturation counts per data path and the first NaN/Inf.
std::string steps_csv(const SimulationOutputs& o);
// The whole set, stats.json (its marker) last.
std::vector<util::OutputFile> simulation_files(const SimulationOutputs& o);

}  // namespace qtsim::hwsim
