#include "point_inputs.hpp"

#include <algorithm>

#include "document_paths.hpp"
#include "sim/costinput/tech_table_loader.hpp"
#include "sim/hwconfig/hw_config_loader.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/workload/workload.hpp"
#include "stable_hash.hpp"

namespace qtsim::sweep {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxHardwareName = 64;  // hw.schema.json "name"

// Problems of a point's document, moved to the sweep file where an axis wrote
// the field; the others keep their file and pointer, with the point named.
input::InputError at_axis_values(const input::InputError& e, const SweepSpec& spec, AxisTarget target,
                                 const GridCoordinates& at, const std::string& id) {
  std::vector<input::Diagnostic> out;
  for (input::Diagnostic d : e.diagnostics()) {
    bool moved = false;
    for (std::size_t a = 0; a < spec.axes.size() && !moved; ++a) {
      const Axis& axis = spec.axes[a];
      if (axis.target != target) continue;
      for (const std::string& path : axis.paths)
        if (d.pointer == path || d.pointer.rfind(path + "/", 0) == 0) {
          d.hint = "sets " + d.pointer + " of " + d.file + (d.hint.empty() ? "" : "; " + d.hint);
          d.file = spec.file;
          d.pointer = axis.value_pointer(at.axis_values[a]);
          if (axis.from_range) d.found += " (the range's value " + axis.values[at.axis_values[a]].dump() + ")";
          moved = true;
          break;
        }
    }
    if (!moved) d.hint = "in point " + id + " of " + spec.file + (d.hint.empty() ? "" : "; " + d.hint);
    out.push_back(std::move(d));
  }
  return input::InputError(out);
}

std::string hardware_name(const json& base, const std::string& id) {
  std::string name = base.value("name", std::string("hw"));
  name.resize(std::min(name.size(), kMaxHardwareName - id.size() - 1));
  return name + "-" + id;
}

}  // namespace

const workload::Workload& PointResolver::workload_for(const json& document, const std::string& name,
                                                      const GridCoordinates& at, const std::string& id) {
  const std::string key = document.dump();
  if (const auto it = workloads_.find(key); it != workloads_.end()) return it->second;
  try {
    return workloads_.emplace(key, workload::parse_workload(document, name)).first->second;
  } catch (const input::InputError& e) {
    throw at_axis_values(e, spec_, AxisTarget::workload, at, id);
  }
}

const cost::TechTable& PointResolver::table_for(const hw::HwConfig& config, const GridCoordinates& at) {
  if (const auto it = tables_.find(config.technology); it != tables_.end()) return it->second.table;
  LoadedTable loaded;
  try {
    loaded.table = cost::load_tech_table(presets_.tech_table(config.technology));
  } catch (const input::InputError& e) {
    // A technology an axis chose is the sweep file's problem.
    for (std::size_t a = 0; a < spec_.axes.size(); ++a)
      if (spec_.axes[a].target == AxisTarget::hardware &&
          std::find(spec_.axes[a].paths.begin(), spec_.axes[a].paths.end(), "/technology") != spec_.axes[a].paths.end())
        throw input::InputError(input::Diagnostic{
            spec_.file, spec_.axes[a].value_pointer(at.axis_values[a]),
            "a technology with a table in workloads/tech (45nm, 32nm, 28nm, 22nm, 16nm, 7nm) or a table file",
            "\"" + config.technology + "\"", e.diagnostics().empty() ? "" : e.diagnostics().front().str()});
    throw;
  }
  nlohmann::ordered_json text = cost::to_json(loaded.table);
  text.erase("file");  // where it was found is not what it says
  loaded.text = text.dump();
  return tables_.emplace(config.technology, std::move(loaded)).first->second.table;
}

PointInputs PointResolver::resolve(const GridCoordinates& at, const std::string& id) {
  const WorkloadChoice& w = spec_.workloads[at.workload];
  const VariantChoice& v = spec_.variants[at.variant];
  json workload_doc = v.as_given() ? w.document : compare::variant_document(w.document, *v.spec);
  json hardware_doc = v.hardware;
  hardware_doc["name"] = hardware_name(v.hardware, id);
  for (std::size_t a = 0; a < spec_.axes.size(); ++a) {
    const Axis& axis = spec_.axes[a];
    for (const std::string& path : axis.paths)
      set_path(axis.target == AxisTarget::hardware ? hardware_doc : workload_doc, path, axis.values[at.axis_values[a]]);
  }
  const std::string workload_name = v.as_given() ? w.file : w.file + " [as " + v.spec->normalization + ", " + v.spec->scheme + "]";

  PointInputs p;
  p.workload = workload_for(workload_doc, workload_name, at, id);
  try {
    p.config = hwconfig::parse_hw_config(hardware_doc, v.hardware_file);
  } catch (const input::InputError& e) {
    throw at_axis_values(e, spec_, AxisTarget::hardware, at, id);
  }
  p.hardware_document = std::move(hardware_doc);
  p.table = &table_for(p.config, at);
  const std::string text = workload_doc.dump() + "\n" + p.hardware_document.dump() + "\n" + tables_.at(p.config.technology).text;
  p.digest = hex_digits(stable_hash(text), 16);
  return p;
}

}  // namespace qtsim::sweep
