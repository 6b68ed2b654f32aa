#include "sweep_plan.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "constraints.hpp"
#include "sim/input/diagnostic.hpp"
#include "stable_hash.hpp"

namespace qtsim::sweep {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr std::size_t kMaxReportedProblems = 20;

}  // namespace

const PlannedPoint* SweepPlan::find(const std::string& id) const {
  for (const PlannedPoint& p : points)
    if (p.id == id) return &p;
  return nullptr;
}

std::vector<const PlannedPoint*> SweepPlan::runnable() const {
  std::vector<const PlannedPoint*> out;
  for (const PlannedPoint& p : points)
    if (p.skipped.empty()) out.push_back(&p);
  return out;
}

std::string SweepPlan::digest() const { return hex_digits(stable_hash(plan_to_json(*this).dump()), 16); }

SweepPlan make_plan(const SweepSpec& spec, PointResolver& resolver) {
  SweepPlan plan;
  plan.name = spec.name;
  plan.description = spec.description;
  plan.grid_points = grid_size(spec);
  plan.sample = spec.sample;
  std::vector<std::uint64_t> indices;
  if (spec.sample) {
    indices = sample_indices(plan.grid_points, static_cast<std::uint64_t>(spec.sample->points), spec.sample->seed);
  } else {
    for (std::uint64_t i = 0; i < plan.grid_points; ++i) indices.push_back(i);
  }
  std::vector<input::Diagnostic> problems;
  std::set<std::string> seen_problems;
  std::map<std::string, std::string> ids;  // id -> parameters text
  ConstraintTally tally(spec.constraints);
  for (std::uint64_t index : indices) {
    const GridCoordinates at = grid_coordinates(spec, index);
    PlannedPoint p;
    p.parameters = point_parameters(spec, at);
    p.id = point_id(p.parameters);
    if (const auto [it, fresh] = ids.emplace(p.id, p.parameters.dump()); !fresh)
      throw std::runtime_error("two points of the sweep hash to the same id " + p.id + ": " + it->second + " and " +
                               p.parameters.dump() + " (rename an axis to change the ids)");
    try {
      const PointInputs inputs = resolver.resolve(at, p.id);
      p.digest = inputs.digest;
      p.skipped = constraint_violation(spec.constraints, inputs.config, *inputs.table);
      tally.add(inputs.config, *inputs.table);
    } catch (const input::InputError& e) {
      for (const input::Diagnostic& d : e.diagnostics()) {
        // The same axis value fails at many points: report each problem once.
        // and an axis that sets several fields or several variants' hardware: once per value.
        const std::string key = d.file + "\n" + d.pointer + "\n" + d.expected + "\n" + d.found;
        if (seen_problems.insert(key).second && problems.size() < kMaxReportedProblems) problems.push_back(d);
      }
    }
    if (plan.parameter_names.empty())
      for (const auto& [k, v] : p.parameters.items()) plan.parameter_names.push_back(k);
    plan.points.push_back(std::move(p));
  }
  if (!problems.empty()) throw input::InputError(problems);
  tally.check(spec.file);
  return plan;
}

GridCoordinates coordinates_of(const SweepSpec& spec, const PlannedPoint& point) {
  GridCoordinates at;
  auto fail = [&](const std::string& what) {
    return input::InputError(input::Diagnostic{spec.file, "", "the sweep that planned point " + point.id,
                                               "a sweep file without its " + what + " (was the file changed?)", ""});
  };
  const ordered_json& p = point.parameters;
  auto index_of = [&](auto&& range, auto&& matches, const std::string& what) {
    for (std::size_t i = 0; i < range.size(); ++i)
      if (matches(range[i])) return i;
    throw fail(what);
  };
  at.workload = index_of(spec.workloads, [&](const WorkloadChoice& w) { return p.value("workload", "") == w.label; },
                         "workload " + p.value("workload", std::string("?")));
  at.variant = index_of(spec.variants, [&](const VariantChoice& v) { return p.value("variant", "") == v.name; },
                        "variant " + p.value("variant", std::string("(as given)")));
  for (const Axis& a : spec.axes) {
    if (!p.contains(a.name)) throw fail("axis " + a.name);
    at.axis_values.push_back(index_of(a.values, [&](const json& v) { return v == json(p[a.name]); },
                                      "value " + p[a.name].dump() + " of axis " + a.name));
  }
  if (p.size() != 1 + (spec.variants.front().as_given() ? 0 : 1) + spec.axes.size()) throw fail("other parameters");
  return at;
}

ordered_json plan_to_json(const SweepPlan& plan) {
  ordered_json j;
  j["format"] = "qtsim-sweep-plan";
  j["version"] = 1;
  j["name"] = plan.name;
  j["description"] = plan.description;
  j["grid_points"] = plan.grid_points;
  j["sample"] = plan.sample ? ordered_json{{"points", plan.sample->points}, {"seed", plan.sample->seed}} : ordered_json();
  j["parameters"] = plan.parameter_names;
  ordered_json points = ordered_json::array();
  for (const PlannedPoint& p : plan.points) {
    ordered_json row{{"id", p.id}, {"parameters", p.parameters}, {"digest", p.digest}};
    if (!p.skipped.empty()) row["skipped"] = p.skipped;
    points.push_back(std::move(row));
  }
  j["points"] = std::move(points);
  return j;
}

SweepPlan plan_from_json(const json& doc, const std::string& file) {
  auto bad = [&](const std::string& pointer, const std::string& expected) {
    return input::InputError(input::Diagnostic{file, pointer, expected, "something else (a damaged or foreign file)", ""});
  };
  if (!doc.is_object() || doc.value("format", "") != "qtsim-sweep-plan") throw bad("/format", "\"qtsim-sweep-plan\" (written by qtsim sweep)");
  if (doc.value("version", 0) != 1) throw bad("/version", "1");
  SweepPlan plan;
  try {
    plan.name = doc.at("name");
    plan.description = doc.at("description");
    plan.grid_points = doc.at("grid_points");
    if (!doc.at("sample").is_null())
      plan.sample = Sample{doc["sample"].at("points").get<std::int64_t>(), doc["sample"].at("seed").get<std::uint32_t>()};
    plan.parameter_names = doc.at("parameters").get<std::vector<std::string>>();
    for (const json& row : doc.at("points")) {
      PlannedPoint p;
      p.id = row.at("id");
      // Parameters keep the plan's order (parameter_names), not json's sorted one.
      for (const std::string& name : plan.parameter_names) p.parameters[name] = row.at("parameters").at(name);
      p.digest = row.at("digest");
      p.skipped = row.value("skipped", "");
      plan.points.push_back(std::move(p));
    }
  } catch (const json::exception&) {
    throw bad("", "a plan written by qtsim sweep (name, description, grid_points, sample, parameters, points)");
  }
  return plan;
}

}  // namespace qtsim::sweep
