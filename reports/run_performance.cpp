#include "run_performance.hpp"

#include <map>

#include "models/hw/core/actions.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/json_pointer_path.hpp"
#include "sim/input/value_text.hpp"

namespace qtsim::reports {

using nlohmann::json;

double RunPerformance::array_utilization(const PerfRow& r) const {
  const double pe = static_cast<double>(rows) * cols * static_cast<double>(r.cycles);
  return pe > 0 ? static_cast<double>(r.macs) / pe : 0.0;
}

double RunPerformance::array_compute_utilization(const PerfRow& r) const {
  return r.pe_cycles ? static_cast<double>(r.macs) / static_cast<double>(r.pe_cycles) : 0.0;
}

double RunPerformance::unit_busy_share(const std::string& unit) const {
  for (const PerfRow& u : units)
    if (u.key == unit) return total.cycles ? static_cast<double>(u.busy_cycles) / static_cast<double>(total.cycles) : 0.0;
  return 0.0;
}

namespace {

std::uint64_t count_at(const json& row, const char* key, const std::string& pointer, bool required,
                       input::DiagnosticList& diags) {
  const auto it = row.find(key);
  if (it == row.end()) {
    if (required) diags.add(input::pointer_to_field(pointer, key), std::string("field \"") + key + "\" (an integer >= 0)", "nothing");
    return 0;
  }
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(it->get<std::int64_t>());
  diags.add(input::pointer_to_field(pointer, key), "an integer >= 0", input::describe_value(*it));
  return 0;
}

std::string label_at(const json& row, const char* key) {
  const auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

PerfRow& slot(std::vector<PerfRow>& rows, std::map<std::string, std::size_t>& index, const std::string& key) {
  auto [it, fresh] = index.try_emplace(key, rows.size());
  if (fresh) rows.push_back(PerfRow{key});
  return rows[it->second];
}

}  // namespace

RunPerformance performance_from_stats(const json& stats, const hw::HwConfig& config, const std::string& file) {
  input::DiagnosticList diags(file);
  RunPerformance p;
  p.clock_mhz = config.clock_mhz;
  p.rows = config.array.rows;
  p.cols = config.array.cols;
  p.total.key = "total";
  const auto ops = stats.is_object() ? stats.find("ops") : stats.end();
  if (!stats.is_object() || ops == stats.end() || !ops->is_array()) {
    diags.add(stats.is_object() ? "/ops" : "", "an array of kernel rows (\"ops\" of stats.json)",
              !stats.is_object() ? input::describe_value(stats) : ops == stats.end() ? "nothing" : input::describe_value(*ops));
    diags.throw_if_any();
  }
  std::map<std::string, std::size_t> li, pi, ui;
  for (std::size_t i = 0; i < ops->size(); ++i) {
    const std::string pointer = input::pointer_to_item("/ops", i);
    const json& row = (*ops)[i];
    if (!row.is_object()) {
      diags.add(pointer, "an object (one kernel)", input::describe_value(row));
      continue;
    }
    PerfRow k;
    k.kernels = row.contains("kernels") ? count_at(row, "kernels", pointer, false, diags) : 1;
    k.elapsed_cycles = count_at(row, "cycles", pointer, true, diags);
    k.cycles = row.contains("attributed_cycles") ? count_at(row, "attributed_cycles", pointer, true, diags) : k.elapsed_cycles;
    k.busy_cycles = count_at(row, "busy_cycles", pointer, true, diags);
    if (k.busy_cycles > k.elapsed_cycles)
      diags.add(input::pointer_to_field(pointer, "busy_cycles"),
                "at most the kernel's cycles (" + std::to_string(k.elapsed_cycles) + ")", std::to_string(k.busy_cycles));
    if (k.cycles > k.elapsed_cycles)
      diags.add(input::pointer_to_field(pointer, "attributed_cycles"),
                "at most the kernel's cycles (" + std::to_string(k.elapsed_cycles) + ")", std::to_string(k.cycles));
    const auto acts = row.find("actions");
    if (acts != row.end() && acts->is_object()) {
      const std::string ap = input::pointer_to_field(pointer, "actions");
      for (const auto a : {hw::Action::mac_int8, hw::Action::mac_fp32})
        k.macs += count_at(*acts, std::string(hw::action_name(a)).c_str(), ap, false, diags);
      k.pe_cycles = count_at(*acts, std::string(hw::action_name(hw::Action::pe_cycles)).c_str(), ap, false, diags);
    }
    const std::string layer = label_at(row, "layer");
    for (PerfRow* g : {&p.total, &slot(p.layers, li, layer.empty() ? "(step)" : layer), &slot(p.phases, pi, label_at(row, "phase")),
                       &slot(p.units, ui, label_at(row, "unit"))}) {
      g->kernels += k.kernels;
      g->cycles += k.cycles;
      g->elapsed_cycles += k.elapsed_cycles;
      g->busy_cycles += std::min(k.busy_cycles, k.elapsed_cycles);
      g->macs += k.macs;
      g->pe_cycles += k.pe_cycles;
    }
  }
  diags.throw_if_any();
  return p;
}

}  // namespace qtsim::reports
