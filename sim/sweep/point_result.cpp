#include "point_result.hpp"

#include <system_error>

#include "sim/input/diagnostic.hpp"
#include "sim/input/json_file.hpp"
#include "sim/util/atomic_file.hpp"

namespace qtsim::sweep {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

ordered_json result_to_json(const PointResult& r) {
  ordered_json j;
  j["format"] = "qtsim-sweep-point";
  j["version"] = 1;
  j["id"] = r.id;
  j["parameters"] = r.parameters;
  j["digest"] = r.digest;
  j["mode"] = r.mode;
  j["status"] = r.ok ? "ok" : "failed";
  if (!r.ok) j["error"] = r.error;
  if (r.ok) j["figures"] = reports::figures_to_json(r.figures);
  j["run"] = {{"wall_seconds", r.wall_seconds}};
  return j;
}

PointResult result_from_json(const json& doc, const std::string& file) {
  auto bad = [&](const std::string& pointer, const std::string& expected) {
    return input::InputError(input::Diagnostic{file, pointer, expected, "something else (a damaged or foreign file)", ""});
  };
  if (!doc.is_object() || doc.value("format", "") != "qtsim-sweep-point")
    throw bad("/format", "\"qtsim-sweep-point\" (written by qtsim sweep)");
  if (doc.value("version", 0) != 1) throw bad("/version", "1");
  PointResult r;
  try {
    r.id = doc.at("id");
    r.parameters = doc.at("parameters");
    r.digest = doc.at("digest");
    r.mode = doc.at("mode");
    const std::string status = doc.at("status");
    if (status != "ok" && status != "failed") throw bad("/status", "\"ok\" or \"failed\"");
    r.ok = status == "ok";
    if (!r.ok) r.error = doc.at("error");
    if (r.ok) r.figures = reports::figures_from_json(doc.at("figures"));
    r.wall_seconds = doc.at("run").at("wall_seconds");
  } catch (const json::exception&) {
    throw bad("", "a point result written by qtsim sweep (id, parameters, digest, mode, status, figures or error, run)");
  }
  return r;
}

fs::path points_dir(const fs::path& out_dir) { return out_dir / "points"; }

fs::path result_path(const fs::path& out_dir, const std::string& id) { return points_dir(out_dir) / (id + ".json"); }

void write_result(const fs::path& out_dir, const PointResult& r) {
  util::ensure_directory(points_dir(out_dir));
  util::write_file_atomic(result_path(out_dir, r.id), result_to_json(r).dump(1) + "\n");
}

std::optional<PointResult> read_result(const fs::path& out_dir, const std::string& id) {
  const fs::path p = result_path(out_dir, id);
  std::error_code ec;
  if (!fs::exists(p, ec)) return std::nullopt;
  return result_from_json(input::read_json_file(p.string()), p.string());
}

}  // namespace qtsim::sweep
