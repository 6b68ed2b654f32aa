#include "report_input.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "sim/input/diagnostic.hpp"
#include "sim/input/json_file.hpp"
#include "sim/input/value_text.hpp"

namespace qtsim::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kExpected =
    "a folder written by qtsim simulate (stats.json) or by qtsim simulate --scalesim-cfg (stats.json beside "
    "COMPUTE_REPORT.csv)";

input::InputError refused(const fs::path& dir, const std::string& found, const std::string& hint = "") {
  return input::InputError(input::Diagnostic{"command line", "DIR", kExpected, "\"" + dir.string() + "\", " + found, hint});
}

// "files a, b and c" (at most six names, sorted), or "an empty folder".
std::string contents_of(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec))
    names.push_back(e.path().filename().string() + (e.is_directory(ec) ? "/" : ""));
  if (names.empty()) return "an empty folder";
  std::sort(names.begin(), names.end());
  std::string s;
  const std::size_t shown = std::min<std::size_t>(names.size(), 6);
  for (std::size_t i = 0; i < shown; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > shown) s += fmt::format(" and {} more", names.size() - shown);
  return "a folder holding " + s;
}

bool has(const fs::path& dir, const char* name) {
  std::error_code ec;
  return fs::is_regular_file(dir / name, ec);
}

void check_stats_format(const nlohmann::json& stats, const std::string& file) {
  if (!stats.is_object())
    throw input::InputError(input::Diagnostic{file, "", "a qtsim-stats object (written by qtsim simulate)", input::describe_value(stats), ""});
  const auto f = stats.find("format");
  if (f == stats.end() || *f != "qtsim-stats")
    throw input::InputError(input::Diagnostic{file, "/format", "\"qtsim-stats\" (a file written by qtsim simulate)",
                                              f == stats.end() ? "nothing" : input::describe_value(*f), ""});
}

}  // namespace

RunFolder read_run_folder(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw refused(dir, "which does not exist");
  if (!fs::is_directory(dir, ec)) throw refused(dir, "a file, not a folder");
  if (!has(dir, "stats.json")) {
    if (has(dir, "COMPUTE_REPORT.csv"))
      throw refused(dir, "a SCALE-Sim report without stats.json (" + contents_of(dir).substr(2) + ")",
                    "SCALE-Sim's own output, or an older qtsim's, has no action counts to cost: run qtsim simulate "
                    "--scalesim-cfg CFG --topology TOPOLOGY.csv --out DIR, which writes stats.json beside its reports");
    if (has(dir, "compare.json"))
      throw refused(dir, "a qtsim compare folder", "report one of its design folders, e.g. " + (dir / "candidate").string());
    throw refused(dir, contents_of(dir));
  }
  RunFolder f;
  f.stats_file = (dir / "stats.json").string();
  f.stats = input::read_json_file(f.stats_file);
  check_stats_format(f.stats, f.stats_file);
  if (f.stats.contains("scalesim")) {
    f.kind = RunFolderKind::scalesim;
    if (!f.stats.at("scalesim").is_object())
      throw input::InputError(input::Diagnostic{f.stats_file, "/scalesim", "an object naming the SCALE-Sim run",
                                                input::describe_value(f.stats.at("scalesim")), ""});
  }
  return f;
}

}  // namespace qtsim::cli
