#pragma once
// SCALE-Sim v2 configuration files (.cfg): the ini format Python's
// configparser reads, with SCALE-Sim's sections and keys:
//
//   [general]               run_name
//   [architecture_presets]  ArrayHeight, ArrayWidth, IfmapSramSzkB, FilterSramSzkB,
//                           OfmapSramSzkB, Dataflow (os|ws|is), Bandwidth (words/cycle,
//                           a comma list per memory bank: the first is used, as SCALE-Sim
//                           does), IfmapOffset, FilterOffset, OfmapOffset and SCALE-Sim's
//                           layout/bank/ramulator keys (accepted, not used)
//   [run_presets]           InterfaceBandwidth (USER: use Bandwidth; CALC: SCALE-Sim
//                           estimates the bandwidth, i.e. no DRAM stalls)
//   [network_presets]       TopologyCsvLoc ("path" in double quotes)
//   other sections ([sparsity], [layout], ...) are skipped.
//
// As in configparser: "key = value" or "key: value", keys case-insensitive,
// '#' and ';' start comment lines, indented lines continue the previous value,
// a section or a key given twice is an error. Unlike SCALE-Sim, which ignores
// unknown keys, an unknown key in a known section is an error (with a
// did-you-mean), since a misspelt key would silently keep its default.
//
// Errors name the file, the line and column, what was expected and what was
// found; all problems are reported at once (input::InputError, exit code 2).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/hw/core/hw_config.hpp"

namespace qtsim::scalesim {

struct ScaleSimConfig {
  std::string file;                   // as given
  std::string run_name;               // [general] run_name (default: the file's stem)
  std::int64_t rows = 0, cols = 0;    // ArrayHeight, ArrayWidth
  std::int64_t ifmap_kb = 0, filter_kb = 0, ofmap_kb = 0;  // SRAM sizes in KiB of 1-byte words
  hw::Dataflow dataflow = hw::Dataflow::os;
  bool user_bandwidth = false;        // InterfaceBandwidth USER (else CALC)
  std::vector<std::int64_t> bandwidths;  // words per cycle, per memory bank
  std::string topology;               // TopologyCsvLoc, relative to the cfg's directory ("" if none)
};

ScaleSimConfig parse_scalesim_cfg(std::string_view text, const std::string& file);
ScaleSimConfig load_scalesim_cfg(const std::string& path);

// Reads a small text file for a parser; InputError naming it when missing,
// not a regular file, unreadable or larger than `max_bytes`.
std::string read_text_file(const std::string& path, std::size_t max_bytes);

}  // namespace qtsim::scalesim
