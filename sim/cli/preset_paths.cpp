#include "preset_paths.hpp"

#include <cstdlib>
#include <filesystem>

#include "sim/costinput/tech_table_loader.hpp"

namespace qtsim::cli {

namespace fs = std::filesystem;

std::string workloads_dir() {
  if (const char* env = std::getenv("QTSIM_WORKLOADS_DIR"); env && *env) return env;
  std::error_code ec;
  if (fs::is_directory("workloads/tech", ec) && fs::is_directory("workloads/hw", ec)) return "workloads";
  return QTSIM_SOURCE_WORKLOADS_DIR;
}

std::string tech_table_file(const std::string& technology_or_path) {
  return cost::tech_table_path(technology_or_path, workloads_dir() + "/tech");
}

std::string hw_preset_file(const std::string& name) { return workloads_dir() + "/hw/" + name + ".json"; }

std::string portable_paths(std::string text) {
  const std::string from = std::string(QTSIM_SOURCE_WORKLOADS_DIR) + "/", to = "workloads/";
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace qtsim::cli
