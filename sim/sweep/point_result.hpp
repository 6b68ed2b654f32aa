#pragma once
// A point's result file, DIR/points/ID.json, written atomically when the point
// ends: the figures of its training step, or its error. Its presence (with the
// digest of the inputs the plan expects, in the same mode) marks the point as
// finished, so a re-run skips it. The run's wall time is kept apart ("run"):
// collected outputs leave it out and are byte-identical however the points
// were scheduled.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/sweep_table.hpp"

namespace qtsim::sweep {

using PointFigures = reports::SweepFigures;

struct PointResult {
  std::string id;
  nlohmann::ordered_json parameters;
  std::string digest;  // of the inputs it ran with
  std::string mode;    // timing | exact
  bool ok = false;
  std::string error;   // when not ok
  PointFigures figures;  // when ok
  double wall_seconds = 0;
};

nlohmann::ordered_json result_to_json(const PointResult& r);
// Throws input::InputError naming `file` for a file that is not a point result.
PointResult result_from_json(const nlohmann::json& doc, const std::string& file);

std::filesystem::path points_dir(const std::filesystem::path& out_dir);  // DIR/points
std::filesystem::path result_path(const std::filesystem::path& out_dir, const std::string& id);

void write_result(const std::filesystem::path& out_dir, const PointResult& r);
// The result of point `id` in `out_dir`, or nothing when it has none; throws
// input::InputError for a damaged file.
std::optional<PointResult> read_result(const std::filesystem::path& out_dir, const std::string& id);

}  // namespace qtsim::sweep
