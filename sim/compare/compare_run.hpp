#pragma once
// Everything `qtsim compare` does before rendering: load and check the
// workload and its variants, pick the hardware (the presets, or every design
// derived from the given one: design_derivation.hpp), size the iso-area design, load the
// technology tables and check the --vary paths, all before anything runs;
// then simulate every design in one run_jobs call (SystemC elaborates once
// per process), timing mode, one step.
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "models/cost/tech_table.hpp"
#include "reports/compare_model.hpp"
#include "sim/hwsim/run_stats.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::compare {

struct CompareOptions {
  std::string workload_file;
  std::optional<std::string> baseline_hw, candidate_hw;  // files
  std::optional<std::string> tech;                       // node name or table file, for every design
  std::vector<cost::VariationRange> variations;
  double low_leakage_factor = 0.01;
  bool progress = true;
  // Every design with ideal memory only (the headline is then the ideal one);
  // otherwise every design also runs with ideal memory, shown beside the headline.
  bool ideal_memory = false;
};

// How to find presets and tables (the command line's preset_paths).
struct PresetLocator {
  std::string (*hw_preset)(const std::string& name);
  std::string (*tech_table)(const std::string& technology_or_path);
};

struct PreparedCompare {
  reports::CompareInput input;
  std::deque<workload::Workload> workloads;  // stable addresses for the jobs
  std::vector<const workload::Workload*> design_workload;  // per design
  std::vector<std::string> design_file;                     // per design: its hardware file, for messages
  std::vector<std::string> stats_text;       // per design, stats.json as written (after simulate)
  std::vector<std::string> ideal_stats_text; // per design, its ideal-memory stats.json (empty when not run)
  bool ideal_memory_only = false;            // CompareOptions::ideal_memory
};

// Throws input::InputError for any bad input found without lowering the
// workload (simulate_designs reports a design that cannot run it); nothing has run yet.
PreparedCompare prepare_compare(const CompareOptions& o, const PresetLocator& presets);

// Runs the designs (one run_jobs call) and fills input.designs[i].stats and
// stats_text. Returns 0, or the signal (SIGINT, SIGTERM) that stopped the run
// before every design completed its step (nothing is filled in then). Throws
// input::InputError naming the design's hardware file when a design cannot
// run its workload (datapath, normalization unit, buffers too small).
int simulate_designs(PreparedCompare& p, bool progress);

}  // namespace qtsim::compare
