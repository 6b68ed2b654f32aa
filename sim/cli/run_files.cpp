#include "run_files.hpp"

#include <algorithm>

namespace qtsim::cli {

const std::vector<std::string>& files_of_any_run() {
  static const std::vector<std::string> names = [] {
    const std::vector<std::string> written{
        // simulate (a workload; SCALE-Sim inputs)
        "stats.json", "ops.csv", "layers.csv", "phases.csv", "mappings.csv", "steps.csv", "COMPUTE_REPORT.csv",
        "QTSIM_LAYER_REPORT.csv",
        // report
        "report.json", "report-layers.csv", "report-units.csv", "report.md", "report.html",
        // validate
        "validation.json",
        // train (steps.csv above) and its dumps
        "train_log.json", "checkpoint/checkpoint.bin", "checkpoint/checkpoint.json", "index.json", "step_*.bin",
        // compare
        "compare.json", "compare.md", "compare.html",
        // sweep collect
        "sweep.csv", "sweep.html", "sweep.json"};
    std::vector<std::string> all = written;
    for (const char* design : {"baseline", "candidate", "iso-area", "wageubn", "dfp"}) {
      all.push_back(std::string(design) + "/stats.json");
      all.push_back(std::string(design) + "/ideal-memory/stats.json");
    }
    for (std::size_t i = 0, n = all.size(); i < n; ++i) all.push_back(all[i] + ".tmp.*");
    return all;
  }();
  return names;
}

void put_marker_last(std::vector<util::OutputFile>& files, const std::string& marker) {
  std::stable_partition(files.begin(), files.end(), [&](const util::OutputFile& f) { return f.name != marker; });
}

}  // namespace qtsim::cli
