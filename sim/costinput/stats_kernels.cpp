#include "stats_kernels.hpp"

#include <algorithm>
#include <cstdint>

#include "sim/input/diagnostic.hpp"
#include "sim/input/did_you_mean.hpp"
#include "sim/input/json_pointer_path.hpp"
#include "sim/input/value_text.hpp"

namespace qtsim::cost {

using input::pointer_to_field;
using input::pointer_to_item;
using nlohmann::json;

namespace {

std::vector<std::string> action_names() {
  std::vector<std::string> names;
  for (const auto& info : hw::kActionInfo) names.emplace_back(info.name);
  return names;
}

void read_string(const json& row, const char* key, const std::string& pointer, std::string& out,
                 input::DiagnosticList& diags) {
  const auto it = row.find(key);
  if (it == row.end()) return;  // optional label
  if (!it->is_string())
    diags.add(pointer_to_field(pointer, key), "a string", input::describe_value(*it));
  else
    out = it->get<std::string>();
}

bool read_count(const json& v, const std::string& pointer, std::uint64_t& out, input::DiagnosticList& diags) {
  if (v.is_number_unsigned()) {
    out = v.get<std::uint64_t>();
    return true;
  }
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) {
    out = static_cast<std::uint64_t>(v.get<std::int64_t>());
    return true;
  }
  diags.add(pointer, "an integer >= 0", input::describe_value(v));
  return false;
}

}  // namespace

std::vector<KernelRecord> kernels_from_stats(const json& stats, const std::string& file) {
  input::DiagnosticList diags(file);
  if (!stats.is_object() || !stats.contains("ops")) {
    diags.add(stats.is_object() ? "" : "", "an object with field \"ops\" (the per-kernel rows of stats.json)",
              stats.is_object() ? "no field \"ops\"" : input::describe_value(stats));
    diags.throw_if_any();
  }
  const json& ops = stats.at("ops");
  if (!ops.is_array()) {
    diags.add("/ops", "an array of kernel rows", input::describe_value(ops));
    diags.throw_if_any();
  }
  const std::vector<std::string> names = action_names();
  std::vector<KernelRecord> out;
  out.reserve(ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const std::string pointer = pointer_to_item("/ops", i);
    const json& row = ops[i];
    if (!row.is_object()) {
      diags.add(pointer, "an object (one kernel)", input::describe_value(row));
      continue;
    }
    KernelRecord k;
    read_string(row, "layer", pointer, k.layer, diags);
    read_string(row, "op", pointer, k.op, diags);
    read_string(row, "phase", pointer, k.phase, diags);
    read_string(row, "path", pointer, k.path, diags);
    read_string(row, "unit", pointer, k.unit, diags);
    if (row.contains("kernels")) read_count(row.at("kernels"), pointer_to_field(pointer, "kernels"), k.runs, diags);
    // Kernels on different units overlap: a kernel's latency share is its
    // attributed cycles (its part of the wall clock) when the run gives them.
    const char* cycles_field = row.contains("attributed_cycles") ? "attributed_cycles" : "cycles";
    if (!row.contains(cycles_field))
      diags.add(pointer_to_field(pointer, cycles_field), "field \"cycles\" (an integer >= 0)", "nothing");
    else
      read_count(row.at(cycles_field), pointer_to_field(pointer, cycles_field), k.cycles, diags);
    const std::string ap = pointer_to_field(pointer, "actions");
    if (!row.contains("actions")) {
      diags.add(ap, "field \"actions\" (action name -> count)", "nothing");
    } else if (!row.at("actions").is_object()) {
      diags.add(ap, "an object (action name -> count)", input::describe_value(row.at("actions")));
    } else {
      for (const auto& [name, v] : row.at("actions").items()) {
        const auto at = std::find(names.begin(), names.end(), name);
        if (at == names.end()) {
          diags.add(pointer_to_field(ap, name), "an action declared in models/hw/core/actions.hpp",
                    "\"" + name + "\"", input::did_you_mean_hint(name, names));
          continue;
        }
        std::uint64_t n = 0;
        if (read_count(v, pointer_to_field(ap, name), n, diags)) k.actions.n[static_cast<std::size_t>(at - names.begin())] = n;
      }
    }
    out.push_back(std::move(k));
  }
  diags.throw_if_any();
  return out;
}

CostReport estimate(const json& stats, const hw::HwConfig& config, const TechTable& table, const std::string& stats_file) {
  return estimate(kernels_from_stats(stats, stats_file), config, table);
}

}  // namespace qtsim::cost
