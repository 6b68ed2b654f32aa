#include "scalesim_stats.hpp"

#include <algorithm>
#include <filesystem>

#include "sim/hwsim/run_stats.hpp"

namespace qtsim::scalesim {

nlohmann::ordered_json scalesim_stats_document(const ScaleSimConfig& cfg, const std::string& topology_file,
                                               bool ideal_memory, const std::vector<ScaleSimLayerResult>& results) {
  const hw::HwConfig config = scalesim_hw_config(cfg, ideal_memory);
  std::vector<hw::KernelStats> kernels;
  std::uint64_t first = 0, last = 0;
  for (const ScaleSimLayerResult& r : results) {
    const QtsimLayerRun& q = r.qtsim;
    hw::KernelStats k;
    k.label = hw::KernelLabel{r.layer.name, "gemm", hw::Phase::forward, "A", hw::Unit::mac_array};
    k.start_cycle = static_cast<std::uint64_t>(q.start_cycle);
    k.cycles = static_cast<std::uint64_t>(q.elapsed_cycles);
    k.busy_cycles = static_cast<std::uint64_t>(q.busy_cycles);
    k.tiles = static_cast<std::uint64_t>(q.tiles);
    k.actions = q.actions;
    first = kernels.empty() ? k.start_cycle : std::min(first, k.start_cycle);
    last = std::max(last, k.start_cycle + k.cycles);
    kernels.push_back(k);
  }
  hwsim::RunStats stats(config);
  stats.add_step(0, kernels, last - first);
  const bool user = cfg.user_bandwidth && !ideal_memory;
  nlohmann::ordered_json doc;
  doc["format"] = "qtsim-stats";
  doc["version"] = 2;
  doc["workload"] = {{"name", std::filesystem::path(topology_file).stem().string()}, {"file", topology_file}, {"batch_size", 1}};
  doc["scheme"] = nullptr;
  doc["hardware"] = scalesim_hw_document(cfg);
  doc["mode"] = "timing";
  doc["ideal_memory"] = ideal_memory;
  doc["steps"] = 1;
  doc["steps_completed"] = 1;
  doc["scalesim"] = {{"cfg", cfg.file},
                     {"topology", topology_file},
                     {"run_name", cfg.run_name},
                     {"interface_bandwidth", ideal_memory ? "ideal memory" : user ? "USER" : "CALC"},
                     {"what", "qtsim's accelerator running the forward GEMM of every topology layer, one input; "
                              "SCALE-Sim's own cycles are in COMPUTE_REPORT.csv"}};
  doc.update(stats.to_json());
  return doc;
}

}  // namespace qtsim::scalesim
