#pragma once
// What `qtsim report DIR` reads, detected before anything else is done:
//
//   simulate   DIR/stats.json, written by `qtsim simulate WORKLOAD`;
//   scalesim   DIR/stats.json beside COMPUTE_REPORT.csv and
//              QTSIM_LAYER_REPORT.csv, written by `qtsim simulate
//              --scalesim-cfg` (qtsim's accelerator running the topology's
//              forward GEMMs; stats.json has a "scalesim" object).
//
// Any other folder is refused (input::InputError, exit 2) with what it holds
// and what would work: a SCALE-Sim report without stats.json (SCALE-Sim's own
// output, or an older qtsim's), a compare folder (report one of its design
// folders), a file, a missing or empty folder.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace qtsim::cli {

enum class RunFolderKind { simulate, scalesim };

struct RunFolder {
  RunFolderKind kind = RunFolderKind::simulate;
  std::string stats_file;  // DIR/stats.json
  nlohmann::json stats;    // parsed, format checked
};

RunFolder read_run_folder(const std::filesystem::path& dir);

}  // namespace qtsim::cli
