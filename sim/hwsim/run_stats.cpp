#include "run_stats.hpp"

#include <fmt/format.h>

#include <tuple>

namespace qtsim::hwsim {

using nlohmann::ordered_json;

void Totals::add(const hw::KernelStats& k) {
  cycles += k.cycles;
  busy_cycles += k.busy_cycles;
  unit_busy[k.label.unit] += k.busy_cycles;
  ++kernels;
  tiles += k.tiles;
  actions += k.actions;
}

void RunStats::add(std::int64_t step, const hw::KernelStats& k) { ops_.push_back({step, k}); }

Totals RunStats::total() const {
  Totals t;
  for (const OpRecord& r : ops_) t.add(r.k);
  return t;
}

namespace {

template <typename Key>
std::vector<std::pair<std::string, Totals>> group(const std::vector<OpRecord>& ops, Key key) {
  std::vector<std::pair<std::string, Totals>> rows;
  std::map<std::string, std::size_t> index;
  for (const OpRecord& r : ops) {
    const std::string k = key(r);
    auto [it, fresh] = index.try_emplace(k, rows.size());
    if (fresh) rows.push_back({k, {}});
    rows[it->second].second.add(r.k);
  }
  return rows;
}

std::uint64_t macs(const hw::ActionCounts& a) { return a[hw::Action::mac_int8] + a[hw::Action::mac_fp32]; }

}  // namespace

std::vector<KernelTotals> RunStats::by_kernel() const {
  std::vector<KernelTotals> rows;
  std::map<std::tuple<std::string, std::string, hw::Phase, std::string, hw::Unit>, std::size_t> index;
  for (const OpRecord& r : ops_) {
    const hw::KernelLabel& l = r.k.label;
    auto [it, fresh] = index.try_emplace({l.layer, l.op, l.phase, l.path, l.unit}, rows.size());
    if (fresh) rows.push_back({l, {}});
    rows[it->second].totals.add(r.k);
  }
  return rows;
}

std::vector<std::pair<std::string, Totals>> RunStats::by_layer() const {
  return group(ops_, [](const OpRecord& r) { return r.k.label.layer.empty() ? std::string("(step)") : r.k.label.layer; });
}
std::vector<std::pair<std::string, Totals>> RunStats::by_phase() const {
  return group(ops_, [](const OpRecord& r) { return hw::to_string(r.k.label.phase); });
}
std::vector<std::pair<std::string, Totals>> RunStats::by_unit() const {
  return group(ops_, [](const OpRecord& r) { return hw::to_string(r.k.label.unit); });
}

double RunStats::array_utilization(const Totals& t) const {
  const double pe = static_cast<double>(config_.array.rows) * config_.array.cols * static_cast<double>(t.cycles);
  return pe > 0 ? static_cast<double>(macs(t.actions)) / pe : 0.0;
}

ordered_json RunStats::totals_json(const Totals& t) const {
  ordered_json actions = ordered_json::object();
  for (int i = 0; i < hw::kActionCount; ++i)
    if (t.actions.n[static_cast<std::size_t>(i)]) actions[std::string(hw::kActionInfo[static_cast<std::size_t>(i)].name)] = t.actions.n[static_cast<std::size_t>(i)];
  ordered_json busy = ordered_json::object();
  for (const auto& [u, c] : t.unit_busy) busy[hw::to_string(u)] = c;
  const std::uint64_t pe = t.actions[hw::Action::pe_cycles];
  return {{"cycles", t.cycles},
          {"seconds", static_cast<double>(t.cycles) * config_.cycle_ns() * 1e-9},
          {"busy_cycles", t.busy_cycles},
          {"stall_cycles", t.stall_cycles()},
          {"unit_busy_cycles", busy},
          {"array_utilization", array_utilization(t)},
          {"array_compute_utilization", pe ? static_cast<double>(macs(t.actions)) / static_cast<double>(pe) : 0.0},
          {"kernels", t.kernels},
          {"tiles", t.tiles},
          {"actions", actions}};
}

ordered_json RunStats::to_json() const {
  ordered_json j;
  j["totals"] = totals_json(total());
  auto rows = [&](const std::vector<std::pair<std::string, Totals>>& g, const char* key) {
    ordered_json a = ordered_json::array();
    for (const auto& [name, t] : g) {
      ordered_json row{{key, name}};
      row.update(totals_json(t));
      a.push_back(row);
    }
    return a;
  };
  j["phases"] = rows(by_phase(), "phase");
  j["units"] = rows(by_unit(), "unit");
  j["layers"] = rows(by_layer(), "layer");
  // One row per kernel of the step program, summed over the steps, so the
  // file's size does not grow with the step count; ops.csv has every kernel of
  // every step.
  ordered_json ops = ordered_json::array();
  for (const KernelTotals& k : by_kernel()) {
    ordered_json row{{"layer", k.label.layer}, {"op", k.label.op}, {"phase", hw::to_string(k.label.phase)},
                     {"path", k.label.path},   {"unit", hw::to_string(k.label.unit)}};
    row.update(totals_json(k.totals));
    row.erase("unit_busy_cycles");
    ops.push_back(row);
  }
  j["ops"] = ops;
  return j;
}

namespace {

std::string action_header() {
  std::string h;
  for (const auto& a : hw::kActionInfo) h += fmt::format(",{}", a.name);
  return h;
}

std::string action_cells(const hw::ActionCounts& a) {
  std::string s;
  for (std::uint64_t v : a.n) s += fmt::format(",{}", v);
  return s;
}

}  // namespace

// Layer names are ours (no commas or quotes), but quote defensively.
std::string csv_cell(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string RunStats::csv(const std::string& key, const std::vector<std::pair<std::string, Totals>>& rows) const {
  std::string out = key + ",cycles,stall_cycles,busy_cycles,array_utilization,kernels,tiles" + action_header() + "\n";
  for (const auto& [name, t] : rows)
    out += fmt::format("{},{},{},{},{:.6f},{},{}{}\n", csv_cell(name), t.cycles, t.stall_cycles(), t.busy_cycles,
                       array_utilization(t), t.kernels, t.tiles, action_cells(t.actions));
  return out;
}

std::string RunStats::layers_csv() const { return csv("layer", by_layer()); }
std::string RunStats::phases_csv() const { return csv("phase", by_phase()); }

std::string RunStats::ops_csv() const {
  std::string out = "step,layer,op,phase,path,unit,start_cycle,cycles,stall_cycles,busy_cycles,tiles" + action_header() + "\n";
  for (const OpRecord& r : ops_) {
    const hw::KernelStats& k = r.k;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}{}\n", r.step, csv_cell(k.label.layer), csv_cell(k.label.op),
                       hw::to_string(k.label.phase), k.label.path, hw::to_string(k.label.unit), k.start_cycle, k.cycles,
                       k.cycles - k.busy_cycles, k.busy_cycles, k.tiles, action_cells(k.actions));
  }
  return out;
}

}  // namespace qtsim::hwsim
