#include "preset_paths.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "sim/input/diagnostic.hpp"
#include "sim/input/did_you_mean.hpp"

namespace qtsim::cli {

namespace fs = std::filesystem;

namespace {

bool names_a_file(const std::string& value) {
  return value.size() > 5 && value.compare(value.size() - 5, 5, ".json") == 0;
}

// The preset names in a folder (its *.json files), sorted.
std::vector<std::string> preset_names(const fs::path& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".json" && it->is_regular_file(ec)) names.push_back(it->path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::string workloads_dir() {
  if (const char* env = std::getenv("QTSIM_WORKLOADS_DIR"); env && *env) return env;
  std::error_code ec;
  if (fs::is_directory("workloads/tech", ec) && fs::is_directory("workloads/hw", ec)) return "workloads";
  return QTSIM_SOURCE_WORKLOADS_DIR;
}

std::string preset_path(const std::string& folder, const std::string& name_or_file) {
  if (names_a_file(name_or_file)) return name_or_file;
  return (fs::path(workloads_dir()) / folder / (name_or_file + ".json")).string();
}

std::string preset_option(const std::string& folder, const std::string& name_or_file, const std::string& option) {
  const std::string path = preset_path(folder, name_or_file);
  std::error_code ec;
  if (names_a_file(name_or_file) || fs::is_regular_file(path, ec)) return path;
  const fs::path dir = fs::path(workloads_dir()) / folder;
  const std::vector<std::string> names = preset_names(dir);
  throw input::InputError(input::Diagnostic{
      "command line", option,
      fmt::format("a file ending in .json, or a preset of {}: {}", portable_paths(dir.string()),
                  names.empty() ? "(none there)" : fmt::format("{}", fmt::join(names, ", "))),
      fmt::format("\"{}\"", name_or_file), input::did_you_mean_hint(name_or_file, names)});
}

std::string tech_table_file(const std::string& technology_or_path) { return preset_path("tech", technology_or_path); }

std::string hw_preset_file(const std::string& name) { return preset_path("hw", name); }

std::string portable_paths(std::string text) {
  const std::string from = std::string(QTSIM_SOURCE_WORKLOADS_DIR) + "/", to = "workloads/";
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace qtsim::cli
