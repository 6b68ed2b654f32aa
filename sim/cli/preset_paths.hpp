#pragma once
// Where the presets (workloads/tech/*.json, workloads/hw/*.json) are, so
// `qtsim report` and `qtsim compare` find their tables and default hardware
// from any working directory: $QTSIM_WORKLOADS_DIR if set, else ./workloads
// if it holds tech/ and hw/, else the source tree's workloads/ (compiled in).
//
// One rule for every option that takes a preset (--hw, --baseline,
// --candidate, --tech) and for a hardware file's "technology": a value ending
// in ".json" is a file, as given; anything else names a preset,
// workloads_dir()/FOLDER/VALUE.json.
#include <string>

namespace qtsim::cli {

std::string workloads_dir();

// The file a preset name or a file name stands for (the rule above).
std::string preset_path(const std::string& folder, const std::string& name_or_file);

// The same for a command-line option, checked before any work: a name that is
// no preset is an input::InputError naming `option`, the presets there and a
// did-you-mean hint (a file that does not exist is left to its loader).
std::string preset_option(const std::string& folder, const std::string& name_or_file, const std::string& option);

// A technology name ("45nm") -> workloads_dir()/tech/45nm.json; a value
// ending in ".json" is a path as given.
std::string tech_table_file(const std::string& technology_or_path);

// workloads_dir()/hw/NAME.json.
std::string hw_preset_file(const std::string& name);

// Paths inside the compiled-in source tree written as "workloads/..." in
// report text (no machine-specific prefix in the data files).
std::string portable_paths(std::string text);

}  // namespace qtsim::cli
