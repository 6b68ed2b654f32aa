#pragma once
// What `simulate` and `validate` share: loading and checking the workload and
// the hardware configuration, the mode and step count, the data, and the
// memory guard of exact runs.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "options.hpp"
#include "sim/data/dataset.hpp"
#include "sim/hwsim/hw_session.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::cli {

struct HwRunSetup {
  workload::Workload workload;
  hw::HwConfig config;
  nlohmann::json hw_document;          // the checked configuration, defaults filled in
  hwsim::SessionOptions session;
  std::optional<data::DatasetPair> data;  // exact mode, after load_run_data
};

// `verb` names the command in messages. Throws input::InputError for bad input
// (the --trace path included). Loads no data: load_run_data does, once the
// output folder has been checked.
HwRunSetup prepare_hw_run(const po::variables_map& v, const char* verb);

// The data set of an exact run (nothing in timing mode).
void load_run_data(HwRunSetup& s);

// --dataflow and --array change the configuration document before it is checked.
void apply_hw_overrides(const po::variables_map& v, nlohmann::json& doc);

// "8G", "512M", "1024" (bytes); throws input::InputError naming `option`.
std::uint64_t parse_bytes(const std::string& text, const char* option);

}  // namespace qtsim::cli
