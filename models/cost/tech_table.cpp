#include "tech_table.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace qtsim::cost {

using nlohmann::ordered_json;

namespace {

std::string join_adjustments(std::string text, const std::vector<std::string>& adjustments) {
  for (const std::string& a : adjustments) text += "; " + a;
  return text;
}

std::string joined_pointer(const std::vector<std::string>& where) {
  std::string p;
  for (const std::string& w : where) p += "/" + w;
  return p;
}

// --- Compositions ------------------------------------------------------------

using FigureKey = std::pair<std::string, Quantity>;
enum class Visit { unseen, open, done };

class Resolver {
 public:
  explicit Resolver(TechTable& t) : t_(t) {}

  void all() {
    for (auto& [name, entry] : t_.entries)
      for (Quantity q : kQuantities)
        if (entry.get(q)) one(name, q, 0);
  }
  std::vector<CompositionProblem> problems() && { return std::move(problems_); }

 private:
  bool one(const std::string& name, Quantity q, int depth) {
    Figure& f = *t_.entries.at(name).get(q);
    if (!f.composed()) return true;
    Visit& v = state_[{name, q}];
    if (v == Visit::done) return true;
    if (depth >= kMaxCompositionDepth) {
      if (!deep_reported_) problems_.push_back({CompositionProblem::Kind::too_deep, name, q, name});
      deep_reported_ = true;
      return false;
    }
    if (v == Visit::open) {
      problems_.push_back({CompositionProblem::Kind::cycle, name, q, name});
      return false;
    }
    v = Visit::open;
    bool ok = true;
    double sum = 0;
    for (const auto& [part, count] : f.composed_of) {
      const auto it = t_.entries.find(part);
      if (it == t_.entries.end() || !it->second.get(q)) {
        problems_.push_back({it == t_.entries.end() ? CompositionProblem::Kind::unknown_part
                                                    : CompositionProblem::Kind::part_without_quantity,
                             name, q, part});
        ok = false;
      } else if (!one(part, q, depth + 1)) {
        ok = false;
      } else {
        sum += count * it->second.get(q)->value;
      }
    }
    f.value = sum;
    state_[{name, q}] = Visit::done;
    return ok;
  }

  TechTable& t_;
  std::map<FigureKey, Visit> state_;
  std::vector<CompositionProblem> problems_;
  bool deep_reported_ = false;
};

// --- JSON out ------------------------------------------------------------------

ordered_json figure_json(const Figure& f) {
  ordered_json j;
  j["value"] = f.value;
  if (f.composed()) {
    ordered_json parts = ordered_json::object();
    for (const auto& [name, n] : f.composed_of) parts[name] = n;
    j["composed_of"] = parts;
  }
  if (!f.source.empty()) j["source"] = f.source;
  if (!f.estimate.empty()) j["estimate"] = f.estimate;
  if (!f.adjustments.empty()) j["adjustments"] = f.adjustments;
  return j;
}

ordered_json fit_json(const PowerLawFit& fit) {
  ordered_json j{{"k", fit.k}, {"p", fit.p}};
  if (!fit.source.empty()) j["source"] = fit.source;
  if (!fit.estimate.empty()) j["estimate"] = fit.estimate;
  if (!fit.adjustments.empty()) j["adjustments"] = fit.adjustments;
  if (!fit.points.empty()) {
    j["max_abs_residual"] = fit.max_abs_residual;
    ordered_json pts = ordered_json::array();
    for (const FitPoint& p : fit.points)
      pts.push_back({{"capacity_bytes", p.capacity_bytes}, {"published", p.published}, {"fit", p.fit}, {"residual", p.residual}});
    j["points"] = pts;
  }
  return j;
}

}  // namespace

// --- Figures -------------------------------------------------------------------

std::string_view quantity_key(Quantity q) {
  switch (q) {
    case Quantity::energy_pj: return "energy_pj";
    case Quantity::area_um2: return "area_um2";
    case Quantity::latency_cycles: return "latency_cycles";
  }
  return "?";
}

std::string Figure::provenance() const {
  std::string text = !source.empty() ? "source: " + source : "estimate: " + estimate;
  return join_adjustments(std::move(text), adjustments);
}

std::string PowerLawFit::provenance() const {
  std::string text = !source.empty() ? "source: " + source : "estimate: " + estimate;
  return join_adjustments(std::move(text), adjustments);
}

const std::optional<Figure>& Entry::get(Quantity q) const {
  switch (q) {
    case Quantity::energy_pj: return energy_pj;
    case Quantity::area_um2: return area_um2;
    case Quantity::latency_cycles: break;
  }
  return latency_cycles;
}

std::optional<Figure>& Entry::get(Quantity q) {
  return const_cast<std::optional<Figure>&>(static_cast<const Entry&>(*this).get(q));
}

double PowerLawFit::at(double capacity_bytes, double reference_capacity_bytes) const {
  return k * std::pow(capacity_bytes / reference_capacity_bytes, p);
}

MissingFigure::MissingFigure(std::string file_, std::vector<std::string> where_, std::string expected_,
                             std::string found_, std::string name_, std::vector<std::string> known_)
    : std::runtime_error(fmt::format("{}: at {}: expected {}, found {}", file_, joined_pointer(where_), expected_, found_)),
      file(std::move(file_)),
      where(std::move(where_)),
      expected(std::move(expected_)),
      found(std::move(found_)),
      name(std::move(name_)),
      known(std::move(known_)) {}

bool TechTable::has(const std::string& entry, Quantity q) const {
  const auto it = entries.find(entry);
  return it != entries.end() && it->second.get(q).has_value();
}

std::vector<std::string> TechTable::entry_names() const {
  std::vector<std::string> names;
  for (const auto& [name, e] : entries) names.push_back(name);
  return names;
}

const Figure& TechTable::figure(const std::string& entry, Quantity q, const std::string& needed_for) const {
  const auto it = entries.find(entry);
  if (it != entries.end() && it->second.get(q)) return *it->second.get(q);
  const bool exists = it != entries.end();
  throw MissingFigure(file, {"entries", entry, std::string(quantity_key(q))},
                      fmt::format("a figure {} of entry \"{}\" (needed for {})", quantity_key(q), entry, needed_for),
                      exists ? "an entry without it" : "no such entry", entry,
                      exists ? std::vector<std::string>{} : entry_names());
}

const Figure& TechTable::dram(const std::string& type, const std::string& needed_for) const {
  const auto it = dram_pj_per_bit.find(type);
  if (it != dram_pj_per_bit.end()) return it->second;
  std::vector<std::string> types;
  for (const auto& [t, f] : dram_pj_per_bit) types.push_back(t);
  throw MissingFigure(file, {"dram", type, "energy_pj_per_bit"},
                      fmt::format("the energy per bit of DRAM type {} (needed for {})", type, needed_for),
                      "no such DRAM type in the table", type, std::move(types));
}

std::map<std::string, double> TechTable::leaves(const std::string& entry, Quantity q) const {
  std::map<std::string, double> out;
  // Compositions were resolved at load (no cycles, every part present).
  auto walk = [&](auto& self, const std::string& name, double n) -> void {
    const Figure& f = *entries.at(name).get(q);
    if (!f.composed()) {
      out[name] += n;
      return;
    }
    for (const auto& [part, count] : f.composed_of) self(self, part, n * count);
  };
  if (has(entry, q)) walk(walk, entry, 1.0);
  return out;
}

std::vector<CompositionProblem> resolve_compositions(TechTable& table) {
  Resolver r(table);
  r.all();
  return std::move(r).problems();
}

// --- Numbers by path -------------------------------------------------------------

std::vector<TableNumber> table_numbers(TechTable& t) {
  std::vector<TableNumber> v;
  for (auto& [name, entry] : t.entries)
    for (Quantity q : kQuantities)
      if (auto& f = entry.get(q)) v.push_back({fmt::format("{}.{}", name, quantity_key(q)), &f->value, &*f, nullptr});
  for (auto [key, fit] : {std::pair{"read_energy_pj", &t.sram.read_energy_pj}, std::pair{"area_mm2", &t.sram.area_mm2},
                          std::pair{"leakage_mw", &t.sram.leakage_mw}}) {
    v.push_back({fmt::format("sram.{}.k", key), &fit->k, nullptr, fit});
    v.push_back({fmt::format("sram.{}.p", key), &fit->p, nullptr, fit});
  }
  for (auto [key, fig] : {std::pair{"write_energy_ratio", &t.sram.write_energy_ratio},
                          std::pair{"word_width_exponent", &t.sram.word_width_exponent},
                          std::pair{"extra_port_area_factor", &t.sram.extra_port_area_factor},
                          std::pair{"leakage_factor", &t.sram.leakage_factor}})
    v.push_back({fmt::format("sram.{}", key), &fig->value, fig, nullptr});
  for (auto& [type, f] : t.dram_pj_per_bit) v.push_back({fmt::format("dram.{}.energy_pj_per_bit", type), &f.value, &f, nullptr});
  v.push_back({"logic_leakage_mw_per_mm2", &t.logic_leakage_mw_per_mm2.value, &t.logic_leakage_mw_per_mm2, nullptr});
  v.push_back({"area_overhead_fraction", &t.area_overhead_fraction.value, &t.area_overhead_fraction, nullptr});
  return v;
}

std::vector<std::string> variable_paths(const TechTable& table) {
  std::vector<std::string> paths;
  for (const TableNumber& n : table_numbers(const_cast<TechTable&>(table))) paths.push_back(n.path);
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::optional<std::string> set_number(TechTable& table, const std::string& path, double value) {
  const std::vector<TableNumber> numbers = table_numbers(table);
  const auto it = std::find_if(numbers.begin(), numbers.end(), [&](const TableNumber& n) { return n.path == path; });
  if (it == numbers.end()) return std::nullopt;
  const std::string change = fmt::format("{}: {:g} -> {:g}", path, *it->value, value);
  if (it->figure) {
    it->figure->composed_of.clear();
    it->figure->adjustments.push_back("varied " + change);
  } else {
    it->fit->adjustments.push_back("varied " + change);
  }
  *it->value = value;
  table.variations.push_back(change);
  resolve_compositions(table);  // no new problem: a composition only became a value
  return change;
}

// --- JSON out ------------------------------------------------------------------

ordered_json to_json(const TechTable& t) {
  ordered_json j;
  j["name"] = t.name;
  j["description"] = t.description;
  j["file"] = t.file;
  j["node_nm"] = t.node_nm;
  if (t.voltage_v > 0) j["voltage_v"] = t.voltage_v;
  j["derivation"] = t.derivation;
  j["variations"] = t.variations;
  ordered_json entries = ordered_json::object();
  for (const auto& [name, e] : t.entries) {
    ordered_json je;
    if (!e.description.empty()) je["description"] = e.description;
    for (Quantity q : kQuantities)
      if (e.get(q)) je[std::string(quantity_key(q))] = figure_json(*e.get(q));
    entries[name] = je;
  }
  j["entries"] = entries;
  const SramTech& s = t.sram;
  j["sram"] = {{"form", s.form},
               {"reference_capacity_bytes", s.reference_capacity_bytes},
               {"reference_word_bits", s.reference_word_bits},
               {"read_energy_pj", fit_json(s.read_energy_pj)},
               {"area_mm2", fit_json(s.area_mm2)},
               {"leakage_mw", fit_json(s.leakage_mw)},
               {"write_energy_ratio", figure_json(s.write_energy_ratio)},
               {"word_width_exponent", figure_json(s.word_width_exponent)},
               {"extra_port_area_factor", figure_json(s.extra_port_area_factor)},
               {"leakage_factor", figure_json(s.leakage_factor)}};
  ordered_json dram = ordered_json::object();
  for (const auto& [type, f] : t.dram_pj_per_bit) dram[type] = {{"energy_pj_per_bit", figure_json(f)}};
  j["dram"] = dram;
  j["logic_leakage_mw_per_mm2"] = figure_json(t.logic_leakage_mw_per_mm2);
  j["area_overhead_fraction"] = figure_json(t.area_overhead_fraction);
  return j;
}

}  // namespace qtsim::cost
