#include "sweep_collect.hpp"

#include <map>
#include <optional>

#include <fmt/format.h>

#include "point_result.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/json_file.hpp"
#include "sweep_plan.hpp"
#include "sweep_runner.hpp"

namespace qtsim::sweep {

namespace fs = std::filesystem;

namespace {

SweepPlan read_plan(const fs::path& dir) {
  const fs::path p = plan_path(dir);
  std::error_code ec;
  if (!fs::is_regular_file(p, ec))
    throw input::InputError(input::Diagnostic{
        "command line", dir.string(), "the output folder of `qtsim sweep SWEEP.json --out DIR` (it holds plan.json)",
        fs::is_directory(dir, ec) ? "a folder without plan.json" : "no such folder", ""});
  return plan_from_json(input::read_json_file(p.string()), p.string());
}

// Which of two results of the same point collect keeps: a completed one over a
// failure, exact over timing; otherwise the one found first. The choice does
// not depend on the folders' order unless two results differ in neither.
bool better(const PointResult& a, const PointResult& b) {
  if (a.ok != b.ok) return a.ok;
  return a.mode == "exact" && b.mode != "exact";
}

}  // namespace

Collected collect(const std::vector<fs::path>& dirs) {
  const SweepPlan plan = read_plan(dirs.front());
  for (std::size_t i = 1; i < dirs.size(); ++i)
    if (const SweepPlan other = read_plan(dirs[i]); other.digest() != plan.digest())
      throw input::InputError(input::Diagnostic{
          "command line", dirs[i].string(),
          fmt::format("a folder of the same sweep as {} (the same plan.json)", dirs.front().string()),
          fmt::format("the plan of {} ({} points{})", other.name, other.points.size(),
                      other.name == plan.name ? ", made from a different version of the sweep file or its inputs" : ""),
          "run the sweep with the same file into every folder, or collect them apart"});

  std::map<std::string, PointResult> results;  // id -> the result kept
  Collected c;
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(points_dir(dir), ec)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(points_dir(dir)))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      PointResult r = result_from_json(input::read_json_file(f.string()), f.string());
      const PlannedPoint* p = plan.find(r.id);
      if (!p || p->digest != r.digest || f.stem().string() != r.id) {
        ++c.stale;
        continue;
      }
      const auto it = results.find(r.id);
      if (it == results.end())
        results.emplace(r.id, std::move(r));
      else if (better(r, it->second))
        it->second = std::move(r);
    }
  }

  reports::SweepTable& t = c.table;
  t.name = plan.name;
  t.description = plan.description;
  t.parameter_names = plan.parameter_names;
  t.grid_points = plan.grid_points;
  if (plan.sample) t.sampled = plan.points.size();
  for (const PlannedPoint& p : plan.points) {
    reports::SweepPoint row;
    row.id = p.id;
    row.parameters = p.parameters;
    if (!p.skipped.empty()) {
      row.status = reports::PointStatus::skipped;
      row.detail = p.skipped;
    } else if (const auto it = results.find(p.id); it != results.end()) {
      const PointResult& r = it->second;
      row.status = r.ok ? reports::PointStatus::ok : reports::PointStatus::failed;
      row.detail = r.error;
      row.mode = r.mode;
      row.figures = r.figures;
    }
    t.points.push_back(std::move(row));
  }
  return c;
}

}  // namespace qtsim::sweep
