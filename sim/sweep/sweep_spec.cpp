#include "sweep_spec.hpp"

#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "axis_values.hpp"
#include "document_paths.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"
#include "sim/input/embedded_schemas.hpp"
#include "sim/input/json_pointer_path.hpp"
#include "sim/input/validated_json_file.hpp"
#include "sim/input/value_text.hpp"
#include "sim/workload/workload.hpp"

namespace qtsim::sweep {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Axis::value_pointer(std::size_t i) const {
  return from_range ? pointer + "/range" : input::pointer_to_item(pointer + "/values", i);
}

const std::vector<KnownVariant>& known_variants() {
  static const std::vector<KnownVariant> variants = [] {
    std::vector<KnownVariant> v;
    for (const compare::StandardVariant& s : compare::standard_variants())
      v.push_back({s.spec.scheme, s.spec, s.hardware_family + "-16x16"});
    return v;
  }();
  return variants;
}

namespace {

// A file named in the sweep file, relative to the sweep file's folder.
std::string beside(const std::string& sweep_file, const std::string& name) {
  return (fs::path(sweep_file).parent_path() / name).lexically_normal().string();
}

// Reading a file the sweep refers to: a missing file is the sweep file's
// problem (at `pointer`); anything wrong inside it is that file's own.
void require_file(const std::string& sweep_file, const std::string& pointer, const std::string& what,
                  const std::string& given, const std::string& resolved) {
  std::error_code ec;
  if (fs::is_regular_file(resolved, ec)) return;
  throw input::InputError(input::Diagnostic{
      sweep_file, pointer, what + " (a path relative to the sweep file)",
      fmt::format("\"{}\" ({}: {})", given, fs::exists(resolved, ec) ? "not a regular file" : "no such file", resolved), ""});
}

std::vector<WorkloadChoice> load_workloads(const std::string& file, const json& doc) {
  std::vector<WorkloadChoice> workloads;
  input::DiagnosticList diags(file);
  std::map<std::string, std::string> seen;  // label -> pointer
  for (std::size_t i = 0; i < doc.at("workloads").size(); ++i) {
    const std::string pointer = input::pointer_to_item("/workloads", i);
    const std::string given = doc["workloads"][i];
    WorkloadChoice w;
    w.file = beside(file, given);
    require_file(file, pointer, "a workload file", given, w.file);
    // With variants the file's -bn/-fixup suffix would misname half the points.
    w.label = fs::path(given).stem().string();
    if (doc.contains("variants")) w.label = compare::network_base_name(w.label);
    workload::WorkloadSource source = workload::read_workload_source(w.file);
    w.document = source.expanded;  // a derived workload's axes and variants change its expansion
    (void)workload::parse_workload(std::move(source));  // valid as given, as compare requires
    if (const auto [it, fresh] = seen.emplace(w.label, pointer); !fresh)
      diags.add(pointer, "workload files with different names (the name is the point's \"workload\" parameter)",
                "\"" + given + "\", named " + w.label + " like " + it->second);
    workloads.push_back(std::move(w));
  }
  diags.throw_if_any();
  return workloads;
}

VariantChoice load_variant(const std::string& file, const json& item, const std::string& pointer,
                           const compare::PresetLocator& presets) {
  const std::string name = item.is_string() ? item.get<std::string>() : item.at("name").get<std::string>();
  VariantChoice v;
  v.name = name;
  for (const KnownVariant& k : known_variants())
    if (k.name == name) {
      v.spec = k.spec;
      v.hardware_file = presets.hw_preset(k.hardware_preset);
    }
  if (item.is_object() && item.contains("hardware")) {
    v.hardware_file = beside(file, item["hardware"]);
    require_file(file, pointer + "/hardware", "a hardware configuration file", item["hardware"], v.hardware_file);
  }
  v.hardware = hwconfig::load_hw_config_json(v.hardware_file);
  return v;
}

std::vector<VariantChoice> load_variants(const std::string& file, const json& doc, const compare::PresetLocator& presets) {
  std::vector<VariantChoice> variants;
  if (!doc.contains("variants")) {
    if (!doc.contains("hardware"))
      throw input::InputError(input::Diagnostic{file, "/hardware",
                                                "field \"hardware\" (the base hardware configuration) or \"variants\"",
                                                "neither", ""});
    VariantChoice v;
    v.hardware_file = beside(file, doc["hardware"]);
    require_file(file, "/hardware", "a hardware configuration file", doc["hardware"], v.hardware_file);
    v.hardware = hwconfig::load_hw_config_json(v.hardware_file);
    variants.push_back(std::move(v));
    return variants;
  }
  if (doc.contains("hardware"))
    throw input::InputError(input::Diagnostic{
        file, "/hardware",
        "no top-level hardware with \"variants\" (each variant runs on its own \"hardware\", else on its compare preset)",
        input::describe_value(doc["hardware"]), ""});
  input::DiagnosticList diags(file);
  std::map<std::string, std::string> seen;
  for (std::size_t i = 0; i < doc["variants"].size(); ++i) {
    const std::string pointer = input::pointer_to_item("/variants", i);
    VariantChoice v = load_variant(file, doc["variants"][i], pointer, presets);
    if (const auto [it, fresh] = seen.emplace(v.name, pointer); !fresh)
      diags.add(pointer, "each variant once", "\"" + v.name + "\" again (also at " + it->second + ")");
    variants.push_back(std::move(v));
  }
  diags.throw_if_any();
  return variants;
}

// Fields a hardware axis may not set: the point's name is derived from its id,
// and "extends" was resolved when the base was loaded.
bool reserved_hardware_path(const std::string& p) { return p == "/name" || p == "/extends" || p == "/description"; }

// Fields a workload axis may not set when variants set them.
bool variant_workload_path(const std::string& p) {
  return p == "/name" || p == "/scheme" || p.rfind("/scheme/", 0) == 0 || p == "/network/normalization";
}

void check_axis_paths(const SweepSpec& s, const Axis& axis, input::DiagnosticList& diags) {
  const bool with_variants = !s.variants.front().as_given();
  for (std::size_t j = 0; j < axis.paths.size(); ++j) {
    const std::string& path = axis.paths[j];
    const std::string at = input::pointer_to_item(axis.pointer + "/paths", j);
    if (axis.target == AxisTarget::hardware && reserved_hardware_path(path)) {
      diags.add(at, "a hardware field other than /name, /description and /extends", "\"" + path + "\"");
      continue;
    }
    if (axis.target == AxisTarget::workload && (path == "/name" || (with_variants && variant_workload_path(path)))) {
      diags.add(at, with_variants ? "a workload field the variants do not set (not /name, /scheme, /network/normalization)"
                                  : "a workload field other than /name",
                "\"" + path + "\"");
      continue;
    }
    // The path must exist in every document the axis writes into.
    std::vector<std::pair<std::string, const json*>> targets;
    std::vector<json> sources;  // workload documents with defaults filled in
    if (axis.target == AxisTarget::hardware) {
      for (const VariantChoice& v : s.variants) targets.emplace_back(v.hardware_file, &v.hardware);
    } else {
      for (const WorkloadChoice& w : s.workloads) sources.push_back(workload::parse_workload(w.document, w.file).source);
      for (std::size_t k = 0; k < sources.size(); ++k) targets.emplace_back(s.workloads[k].file, &sources[k]);
    }
    for (const auto& [target_file, document] : targets) {
      const PathCheck c = check_path(*document, path);
      if (c.exists) continue;
      diags.add(at,
                fmt::format("a JSON pointer to a field of the {} ({})",
                            axis.target == AxisTarget::hardware ? "hardware configuration, e.g. /mac_array/rows"
                                                                : "workload, e.g. /training/batch_size",
                            target_file),
                "\"" + path + "\": " + c.problem, c.hint);
      break;
    }
  }
}

Axis load_axis(const json& item, const std::string& pointer, input::DiagnosticList& diags) {
  Axis a;
  a.pointer = pointer;
  a.name = item.at("name");
  a.target = item.at("target") == "workload" ? AxisTarget::workload : AxisTarget::hardware;
  for (const auto& p : item.at("paths")) a.paths.push_back(p);
  const bool has_values = item.contains("values"), has_range = item.contains("range");
  if (has_values == has_range) {
    diags.add(pointer, "exactly one of \"values\" (a list) and \"range\"", has_values ? "both" : "neither");
    return a;
  }
  a.from_range = has_range;
  if (has_range) {
    a.values = range_values(item["range"], pointer + "/range", diags);
  } else {
    for (const auto& v : item["values"]) a.values.push_back(normalized_value(v));
  }
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < a.values.size() && !has_range; ++i)
    if (const auto [it, fresh] = seen.emplace(a.values[i].dump(), i); !fresh)
      diags.add(a.value_pointer(i), "distinct values (each is a point of the grid)",
                a.values[i].dump() + " again (also at " + a.value_pointer(it->second) + ")");
  std::set<std::string> paths;
  for (std::size_t j = 0; j < a.paths.size(); ++j)
    if (!paths.insert(a.paths[j]).second)
      diags.add(input::pointer_to_item(pointer + "/paths", j), "distinct paths", "\"" + a.paths[j] + "\" twice");
  return a;
}

}  // namespace

SweepSpec load_sweep(const std::string& path, const compare::PresetLocator& presets) {
  SweepSpec s;
  s.file = path;
  s.document = input::read_validated_json_file(path, input::embedded_schema("sweep"));
  const json& doc = s.document;
  s.name = doc.at("name");
  s.description = doc.at("description");
  s.workloads = load_workloads(path, doc);
  s.variants = load_variants(path, doc, presets);

  input::DiagnosticList diags(path);
  std::map<std::string, std::string> names{{"workload", ""}, {"variant", ""}};
  std::map<std::string, std::string> written;  // target + path -> axis pointer
  if (doc.contains("axes"))
    for (std::size_t i = 0; i < doc["axes"].size(); ++i) {
      const std::string pointer = input::pointer_to_item("/axes", i);
      Axis a = load_axis(doc["axes"][i], pointer, diags);
      if (const auto [it, fresh] = names.emplace(a.name, pointer); !fresh)
        diags.add(pointer + "/name", "a name no other axis has (and not \"workload\" or \"variant\")",
                  "\"" + a.name + "\"" + (it->second.empty() ? ", a built-in parameter" : ", also at " + it->second));
      check_axis_paths(s, a, diags);
      for (std::size_t j = 0; j < a.paths.size(); ++j) {
        const std::string key = (a.target == AxisTarget::hardware ? "hardware" : "workload") + a.paths[j];
        if (const auto [it, fresh] = written.emplace(key, pointer); !fresh && it->second != pointer)
          diags.add(input::pointer_to_item(pointer + "/paths", j), "a path no other axis sets",
                    "\"" + a.paths[j] + "\", also set by " + it->second);
      }
      s.axes.push_back(std::move(a));
    }
  if (doc.contains("sample")) s.sample = Sample{doc["sample"].at("points").get<std::int64_t>(), doc["sample"].at("seed").get<std::uint32_t>()};
  if (doc.contains("constraints"))
    for (std::size_t i = 0; i < doc["constraints"].size(); ++i) {
      const json& c = doc["constraints"][i];
      Constraint k;
      k.pointer = input::pointer_to_item("/constraints", i);
      k.metric = c.at("metric");
      if (c.contains("min")) k.min = c["min"].get<double>();
      if (c.contains("max")) k.max = c["max"].get<double>();
      if (!k.min && !k.max) diags.add(k.pointer, "\"min\", \"max\" or both", "neither");
      if (k.min && k.max && *k.min > *k.max)
        diags.add(k.pointer + "/max", fmt::format("a value >= min ({:g}): no point could satisfy it", *k.min),
                  fmt::format("{:g}", *k.max));
      s.constraints.push_back(std::move(k));
    }
  diags.throw_if_any();
  return s;
}

}  // namespace qtsim::sweep
