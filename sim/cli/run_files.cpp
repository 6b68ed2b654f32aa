#include "run_files.hpp"

#include <algorithm>

namespace qtsim::cli {

const std::vector<std::string>& files_of_any_run() {
  static const std::vector<std::string> names = [] {
    const std::vector<std::string> written{
        // simulate (a workload; SCALE-Sim inputs)
        "stats.json", "ops.csv", "layers.csv", "phases.csv", "steps.csv", "COMPUTE_REPORT.csv", "QTSIM_LAYER_REPORT.csv",
        // report
        "report.json", "report-layers.csv", "report-units.csv", "report.md", "report.html",
        // validate
        "validation.json",
        // train (steps.csv above) and its dumps
        "train_log.json", "checkpoint/checkpoint.bin", "checkpoint/checkpoint.json", "index.json", "step_*.bin",
        // compare
        "compare.json", "compare.md", "compare.html", "baseline/stats.json", "candidate/stats.json", "iso-area/stats.json",
        "wageubn/stats.json", "dfp/stats.json"};
    std::vector<std::string> all = written;
    for (const std::string& n : written) all.push_back(n + ".tmp.*");
    return all;
  }();
  return names;
}

void put_marker_last(std::vector<util::OutputFile>& files, const std::string& marker) {
  std::stable_partition(files.begin(), files.end(), [&](const util::OutputFile& f) { return f.name != marker; });
}

}  // namespace qtsim::cli
