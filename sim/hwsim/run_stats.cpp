#include "run_stats.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <tuple>

namespace qtsim::hwsim {

using nlohmann::ordered_json;

void Totals::add(const OpRecord& r) {
  const hw::KernelStats& k = r.k;
  cycles += r.attributed_cycles;
  elapsed_cycles += k.cycles;
  busy_cycles += k.busy_cycles;
  unit_busy[k.label.unit] += k.busy_cycles;
  ++kernels;
  tiles += k.tiles;
  actions += k.actions;
}

std::vector<std::uint64_t> attributed_cycles(const std::vector<hw::KernelStats>& kernels) {
  std::vector<std::uint64_t> share(kernels.size(), 0);
  // Starts and ends in time order (ends first at equal times); a sweep keeps the running set.
  struct Event {
    std::uint64_t time;
    bool start;
    std::size_t kernel;
  };
  std::vector<Event> events;
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    events.push_back({kernels[i].start_cycle, true, i});
    events.push_back({kernels[i].start_cycle + kernels[i].cycles, false, i});
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : (!a.start && b.start);
  });
  std::vector<std::size_t> running;  // in start order
  std::uint64_t last = events.empty() ? 0 : events.front().time;
  for (const Event& e : events) {
    if (e.time > last && !running.empty()) {
      const std::uint64_t len = e.time - last, each = len / running.size(), rest = len % running.size();
      for (std::size_t j = 0; j < running.size(); ++j) share[running[j]] += each + (j < rest ? 1 : 0);
    }
    last = e.time;
    if (e.start)
      running.push_back(e.kernel);
    else
      running.erase(std::find(running.begin(), running.end(), e.kernel));
  }
  return share;
}

void RunStats::add_step(std::int64_t step, const std::vector<hw::KernelStats>& kernels, std::uint64_t cycles) {
  const std::vector<std::uint64_t> share = attributed_cycles(kernels);
  for (std::size_t i = 0; i < kernels.size(); ++i) ops_.push_back({step, kernels[i], share[i]});
  steps_.emplace_back(step, cycles);
}

Totals RunStats::total() const {
  Totals t;
  for (const OpRecord& r : ops_) t.add(r);
  t.cycles = 0;
  for (const auto& [step, cycles] : steps_) t.cycles += cycles;
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
    rows[it->second].second.add(r);
  }
  return rows;
}

std::uint64_t macs(const hw::ActionCounts& a) { return a[hw::Action::mac_int8] + a[hw::Action::mac_fp32]; }

double ratio(std::uint64_t a, std::uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }

}  // namespace

std::vector<KernelTotals> RunStats::by_kernel() const {
  std::vector<KernelTotals> rows;
  std::map<std::tuple<std::string, std::string, hw::Phase, std::string, hw::Unit>, std::size_t> index;
  for (const OpRecord& r : ops_) {
    const hw::KernelLabel& l = r.k.label;
    auto [it, fresh] = index.try_emplace({l.layer, l.op, l.phase, l.path, l.unit}, rows.size());
    if (fresh) rows.push_back({l, {}});
    rows[it->second].totals.add(r);
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
          {"elapsed_cycles", t.elapsed_cycles},
          {"busy_cycles", t.busy_cycles},
          {"stall_cycles", t.stall_cycles()},
          {"unit_busy_cycles", busy},
          {"array_utilization", array_utilization(t)},
          {"array_compute_utilization", pe ? static_cast<double>(macs(t.actions)) / static_cast<double>(pe) : 0.0},
          {"kernels", t.kernels},
          {"tiles", t.tiles},
          {"actions", actions}};
}

namespace {

// A grouped convolution's figures cover all its groups' GEMMs.
std::int64_t macs_of(const MappingRecord& m) { return m.groups * m.dims.m * m.dims.n * m.dims.k; }
std::int64_t tiles_of(const MappingRecord& m) { return m.groups * m.chosen.mapping.tiles(); }
std::int64_t folds_of(const MappingRecord& m) { return m.groups * m.chosen.mapping.folds(); }
std::int64_t whole_cycles_of(const MappingRecord& m) { return m.groups * m.chosen.mapping.whole_cycles(); }

ordered_json mapping_json(const MappingRecord& m) {
  const hw::GemmMapping& mp = m.chosen.mapping;
  const auto macs = static_cast<std::uint64_t>(macs_of(m));
  return {{"layer", m.layer},
          {"phase", hw::to_string(m.phase)},
          {"groups", m.groups},
          {"m", m.dims.m},
          {"n", m.dims.n},
          {"k", m.dims.k},
          {"tile", {mp.tile_size[0], mp.tile_size[1], mp.tile_size[2]}},
          {"loop_order", mp.order_string()},
          {"tiles", tiles_of(m)},
          {"folds", folds_of(m)},
          {"streams_continue", mp.continues_folds()},
          {"busy_cycles", m.busy_cycles},
          {"whole_gemm_cycles", whole_cycles_of(m)},
          {"busy_over_whole", ratio(m.busy_cycles, static_cast<std::uint64_t>(std::max<std::int64_t>(1, whole_cycles_of(m))))},
          {"output_stage_cycles", m.output_stage_cycles},
          {"elapsed_cycles", m.elapsed_cycles},
          {"outputs", m.outputs},
          {"a_loads", m.traffic.a_loads},
          {"b_loads", m.traffic.b_loads},
          {"dram_read_bytes", {{"a", m.traffic.a_bytes}, {"b", m.traffic.b_bytes}}},
          {"dram_write_bytes", m.traffic.out_bytes},
          {"macs_per_loaded_byte", {{"a", ratio(macs, m.traffic.a_bytes)}, {"b", ratio(macs, m.traffic.b_bytes)}}},
          {"mapper_estimate_cycles", m.chosen.estimate.cycles},
          {"candidates", m.chosen.candidates}};
}

}  // namespace

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
  ordered_json maps = ordered_json::array();
  for (const MappingRecord& m : mappings_) maps.push_back(mapping_json(m));
  j["mappings"] = maps;
  // One row per kernel of the step program, summed over the steps, so the
  // file's size does not grow with the step count; ops.csv has every kernel of
  // every step. "kernels" is how many runs a row sums.
  ordered_json ops = ordered_json::array();
  for (const KernelTotals& k : by_kernel()) {
    ordered_json row{{"layer", k.label.layer}, {"op", k.label.op}, {"phase", hw::to_string(k.label.phase)},
                     {"path", k.label.path},   {"unit", hw::to_string(k.label.unit)}};
    row.update(totals_json(k.totals));
    row["cycles"] = k.totals.elapsed_cycles;
    row["attributed_cycles"] = k.totals.cycles;
    row.erase("seconds");
    row.erase("elapsed_cycles");
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
  std::string out = key + ",cycles,elapsed_cycles,stall_cycles,busy_cycles,array_utilization,kernels,tiles" + action_header() + "\n";
  for (const auto& [name, t] : rows)
    out += fmt::format("{},{},{},{},{},{:.6f},{},{}{}\n", csv_cell(name), t.cycles, t.elapsed_cycles, t.stall_cycles(), t.busy_cycles,
                       array_utilization(t), t.kernels, t.tiles, action_cells(t.actions));
  return out;
}

std::string RunStats::layers_csv() const { return csv("layer", by_layer()); }
std::string RunStats::phases_csv() const { return csv("phase", by_phase()); }

std::string RunStats::ops_csv() const {
  std::string out =
      "step,layer,op,phase,path,unit,start_cycle,cycles,attributed_cycles,stall_cycles,busy_cycles,tiles" + action_header() + "\n";
  for (const OpRecord& r : ops_) {
    const hw::KernelStats& k = r.k;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}{}\n", r.step, csv_cell(k.label.layer), csv_cell(k.label.op),
                       hw::to_string(k.label.phase), k.label.path, hw::to_string(k.label.unit), k.start_cycle, k.cycles,
                       r.attributed_cycles, k.cycles - k.busy_cycles, k.busy_cycles, k.tiles, action_cells(k.actions));
  }
  return out;
}

std::string RunStats::mappings_csv() const {
  std::string out =
      "layer,phase,groups,m,n,k,tile_m,tile_n,tile_k,loop_order,tiles,folds,streams_continue,busy_cycles,whole_gemm_cycles,"
      "busy_over_whole,output_stage_cycles,elapsed_cycles,a_loads,b_loads,dram_read_a_bytes,dram_read_b_bytes,"
      "dram_write_bytes,macs_per_a_byte,macs_per_b_byte,outputs\n";
  for (const MappingRecord& m : mappings_) {
    const hw::GemmMapping& mp = m.chosen.mapping;
    const auto macs = static_cast<std::uint64_t>(macs_of(m));
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{:.4f},{},{},{},{},{},{},{},{:.2f},{:.2f},{}\n", csv_cell(m.layer),
                       hw::to_string(m.phase), m.groups, m.dims.m, m.dims.n, m.dims.k, mp.tile_size[0], mp.tile_size[1],
                       mp.tile_size[2], mp.order_string(), tiles_of(m), folds_of(m), mp.continues_folds() ? 1 : 0,
                       m.busy_cycles, whole_cycles_of(m),
                       ratio(m.busy_cycles, static_cast<std::uint64_t>(std::max<std::int64_t>(1, whole_cycles_of(m)))),
                       m.output_stage_cycles, m.elapsed_cycles, m.traffic.a_loads, m.traffic.b_loads, m.traffic.a_bytes,
                       m.traffic.b_bytes, m.traffic.out_bytes, ratio(macs, m.traffic.a_bytes), ratio(macs, m.traffic.b_bytes),
                       csv_cell(m.outputs));
  }
  return out;
}

}  // namespace qtsim::hwsim
