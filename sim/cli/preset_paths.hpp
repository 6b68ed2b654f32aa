#pragma once
// Where the presets (workloads/tech/*.json, workloads/hw/*.json) are, so
// `qtsim report` and `qtsim compare` find their tables and default hardware
// from any working directory: $QTSIM_WORKLOADS_DIR if set, else ./workloads
// if it holds tech/ and hw/, else the source tree's workloads/ (compiled in).
#include <string>

namespace qtsim::cli {

std::string workloads_dir();

// A technology name ("45nm") -> workloads_dir()/tech/45nm.json; a value
// ending in ".json" is a path as given (--tech).
std::string tech_table_file(const std::string& technology_or_path);

// workloads_dir()/hw/NAME.json.
std::string hw_preset_file(const std::string& name);

// Paths inside the compiled-in source tree written as "workloads/..." in
// report text (no machine-specific prefix in the data files).
std::string portable_paths(std::string text);

}  // namespace qtsim::cli
