#pragma once
// The files `qtsim simulate` writes (docs/HARDWARE.md "Outputs"): stats.json
// with every figure plus the workload, scheme and hardware used, and ops.csv,
// layers.csv, phases.csv. Data files contain nothing that depends on the time
// or the machine; the run's metadata is kept in run.json. Every file is written
// atomically, and only after the run has completed.
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/hwsim/hw_session.hpp"
#include "sim/hwsim/run_stats.hpp"
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
void write_simulation_outputs(const SimulationOutputs& o, const std::filesystem::path& dir);

}  // namespace qtsim::hwsim
