#include "tech_table.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "models/cost/figure_limits.hpp"
#include "sim/input/did_you_mean.hpp"
#include "sim/input/embedded_schemas.hpp"
#include "sim/input/json_file.hpp"
#include "sim/input/json_pointer_path.hpp"
#include "sim/input/schema_validator.hpp"

namespace qtsim::cost {

using input::Diagnostic;
using input::DiagnosticList;
using input::InputError;
using input::pointer_to_field;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr std::size_t kMaxDerivationDepth = 16;
// Compositions of compositions: resolved recursively, so a chain of 100000
// entries each composed of the next overflowed the stack (found by fuzzing).
constexpr int kMaxCompositionDepth = 64;
constexpr Quantity kQuantities[] = {Quantity::energy_pj, Quantity::area_um2, Quantity::latency_cycles};

std::string join_adjustments(std::string text, const std::vector<std::string>& adjustments) {
  for (const std::string& a : adjustments) text += "; " + a;
  return text;
}

std::string fmt_number(double v) { return fmt::format("{:g}", v); }

// --- Parsing (the document already passed the schema) ----------------------

void check_provenance(const json& j, const std::string& pointer, DiagnosticList& diags) {
  const bool src = j.contains("source"), est = j.contains("estimate");
  if (!src && !est)
    diags.add(pointer, "field \"source\" (the citation of a published figure) or \"estimate\" (the reasoning)",
              "neither");
  else if (src && est)
    diags.add(pointer, "only one of \"source\" and \"estimate\"", "both");
}

Figure parse_figure(const json& j, const std::string& pointer, DiagnosticList& diags) {
  Figure f;
  f.file = diags.file();
  f.pointer = pointer;
  const bool has_value = j.contains("value"), has_parts = j.contains("composed_of");
  if (!has_value && !has_parts)
    diags.add(pointer, "field \"value\" (a number >= 0) or \"composed_of\" (entry name -> count)", "neither");
  else if (has_value && has_parts)
    diags.add(pointer, "only one of \"value\" and \"composed_of\"", "both");
  else if (has_parts && j.at("composed_of").empty())
    diags.add(pointer_to_field(pointer, "composed_of"), "at least one entry name -> count", "an empty object");
  check_provenance(j, pointer, diags);
  if (has_value) f.value = j.at("value").get<double>();
  if (has_parts)
    for (const auto& [name, count] : j.at("composed_of").items()) f.composed_of[name] = count.get<double>();
  f.source = j.value("source", "");
  f.estimate = j.value("estimate", "");
  return f;
}

PowerLawFit parse_fit(const json& j, const std::string& pointer, DiagnosticList& diags) {
  PowerLawFit fit;
  fit.file = diags.file();
  fit.pointer = pointer;
  check_provenance(j, pointer, diags);
  fit.k = j.at("k").get<double>();
  fit.p = j.at("p").get<double>();
  fit.source = j.value("source", "");
  fit.estimate = j.value("estimate", "");
  fit.max_abs_residual = j.value("max_abs_residual", 0.0);
  if (j.contains("points"))
    for (const json& p : j.at("points"))
      fit.points.push_back({p.at("capacity_bytes").get<double>(), p.at("published").get<double>(),
                            p.at("fit").get<double>(), p.at("residual").get<double>()});
  return fit;
}

Entry parse_entry(const json& j, const std::string& pointer, DiagnosticList& diags) {
  Entry e;
  e.description = j.value("description", "");
  for (Quantity q : kQuantities) {
    const std::string key(quantity_key(q));
    if (j.contains(key)) e.get(q) = parse_figure(j.at(key), pointer_to_field(pointer, key), diags);
  }
  if (!e.energy_pj && !e.area_um2 && !e.latency_cycles)
    diags.add(pointer, "at least one of the fields energy_pj, area_um2, latency_cycles", "none");
  return e;
}

// Fields a table that does not derive from another must define.
void check_complete(const json& doc, DiagnosticList& diags) {
  for (const char* key : {"entries", "sram", "dram", "logic_leakage_mw_per_mm2", "area_overhead_fraction"})
    if (!doc.contains(key))
      diags.add("", fmt::format("field \"{}\" (a table without \"derives_from\" defines every section)", key),
                "nothing");
  if (doc.contains("sram"))
    for (const char* key : {"reference_capacity_bytes", "reference_word_bits", "read_energy_pj", "area_mm2",
                            "leakage_mw", "write_energy_ratio", "word_width_exponent", "extra_port_area_factor",
                            "leakage_factor"})
      if (!doc.at("sram").contains(key))
        diags.add("/sram", fmt::format("field \"{}\" (a table without \"derives_from\" defines the whole SRAM model)", key),
                  "nothing");
}

// This document's sections over `t` (a fresh table, or a scaled base).
void overlay(TechTable& t, const json& doc, DiagnosticList& diags) {
  t.name = doc.at("name");
  t.description = doc.at("description");
  t.node_nm = doc.at("node_nm").get<double>();
  t.voltage_v = doc.value("voltage_v", 0.0);
  if (doc.contains("entries"))
    for (const auto& [name, e] : doc.at("entries").items()) {
      const std::string pointer = pointer_to_field("/entries", name);
      if (name.empty() || name.find_first_of(" \t=") != std::string::npos)
        diags.add(pointer, "an entry name without spaces or '='", "\"" + name + "\"");
      t.entries[name] = parse_entry(e, pointer, diags);
    }
  if (doc.contains("sram")) {
    const json& s = doc.at("sram");
    SramTech& st = t.sram;
    if (s.contains("form")) st.form = s.at("form");
    if (s.contains("reference_capacity_bytes")) st.reference_capacity_bytes = s.at("reference_capacity_bytes");
    if (s.contains("reference_word_bits")) st.reference_word_bits = s.at("reference_word_bits");
    for (auto [key, fit] : {std::pair{"read_energy_pj", &st.read_energy_pj}, std::pair{"area_mm2", &st.area_mm2},
                            std::pair{"leakage_mw", &st.leakage_mw}})
      if (s.contains(key)) *fit = parse_fit(s.at(key), pointer_to_field("/sram", key), diags);
    for (auto [key, fig] : {std::pair{"write_energy_ratio", &st.write_energy_ratio},
                            std::pair{"word_width_exponent", &st.word_width_exponent},
                            std::pair{"extra_port_area_factor", &st.extra_port_area_factor},
                            std::pair{"leakage_factor", &st.leakage_factor}})
      if (s.contains(key)) {
        const std::string pointer = pointer_to_field("/sram", key);
        *fig = parse_figure(s.at(key), pointer, diags);
        if (fig->composed()) diags.add(pointer, "a plain \"value\" (SRAM parameters are not compositions)", "composed_of");
      }
  }
  if (doc.contains("dram"))
    for (const auto& [type, d] : doc.at("dram").items()) {
      const std::string pointer = pointer_to_field(pointer_to_field("/dram", type), "energy_pj_per_bit");
      Figure f = parse_figure(d.at("energy_pj_per_bit"), pointer, diags);
      if (f.composed()) diags.add(pointer, "a plain \"value\" (DRAM energies are not compositions)", "composed_of");
      t.dram_pj_per_bit[type] = f;
    }
  for (auto [key, fig] : {std::pair{"logic_leakage_mw_per_mm2", &t.logic_leakage_mw_per_mm2},
                          std::pair{"area_overhead_fraction", &t.area_overhead_fraction}})
    if (doc.contains(key)) {
      const std::string pointer = pointer_to_field("", key);
      *fig = parse_figure(doc.at(key), pointer, diags);
      if (fig->composed()) diags.add(pointer, "a plain \"value\"", "composed_of");
    }
}

// --- Scaling a base table ----------------------------------------------------

void scale_figure(Figure& f, double factor, const std::string& what) {
  if (f.composed()) return;  // follows its parts
  f.value *= factor;
  f.adjustments.push_back(what);
}

void scale_fit(PowerLawFit& fit, double factor, const std::string& what) {
  fit.k *= factor;
  fit.adjustments.push_back(what);
  // The points and residuals belong to the unscaled fit.
  fit.points.clear();
  fit.max_abs_residual = 0;
}

void scale_table(TechTable& t, double energy, double area, double leakage, const std::string& from_to) {
  const std::string e = fmt::format("x{} energy scaling ({})", fmt_number(energy), from_to);
  const std::string a = fmt::format("x{} area scaling ({})", fmt_number(area), from_to);
  const std::string l = fmt::format("x{} leakage scaling ({})", fmt_number(leakage), from_to);
  for (auto& [name, entry] : t.entries) {
    if (entry.energy_pj) scale_figure(*entry.energy_pj, energy, e);
    if (entry.area_um2) scale_figure(*entry.area_um2, area, a);
  }
  scale_fit(t.sram.read_energy_pj, energy, e);
  scale_fit(t.sram.area_mm2, area, a);
  scale_fit(t.sram.leakage_mw, leakage, l);
  // Leakage per mm^2: leakage per device over area per device.
  scale_figure(t.logic_leakage_mw_per_mm2, leakage / area,
               fmt::format("x{} (leakage / area scaling, {})", fmt_number(leakage / area), from_to));
}

// --- Compositions ------------------------------------------------------------

using FigureKey = std::pair<std::string, Quantity>;

std::vector<std::string> entry_names(const TechTable& t) {
  std::vector<std::string> names;
  for (const auto& [name, e] : t.entries) names.push_back(name);
  return names;
}

bool resolve_one(TechTable& t, const std::string& name, Quantity q, std::map<FigureKey, int>& state,
                 std::vector<Diagnostic>& out, int depth = 0) {
  Figure& f = *t.entries.at(name).get(q);
  if (!f.composed()) return true;
  int& st = state[{name, q}];
  if (st == 2) return true;
  if (depth >= kMaxCompositionDepth) {
    const std::string expected = fmt::format("compositions nested at most {} deep", kMaxCompositionDepth);
    const bool reported = std::any_of(out.begin(), out.end(), [&](const Diagnostic& d) { return d.expected == expected; });
    if (!reported)
      out.push_back({f.file, pointer_to_field(f.pointer, "composed_of"), expected,
                     fmt::format("a deeper chain of {} through '{}'", quantity_key(q), name), ""});
    return false;
  }
  if (st == 1) {
    out.push_back({f.file, pointer_to_field(f.pointer, "composed_of"), "a composition that does not contain itself",
                   fmt::format("a cycle through '{}'", name), ""});
    return false;
  }
  st = 1;
  bool ok = true;
  double sum = 0;
  for (const auto& [part, count] : f.composed_of) {
    const std::string pointer = pointer_to_field(pointer_to_field(f.pointer, "composed_of"), part);
    const auto it = t.entries.find(part);
    if (it == t.entries.end()) {
      out.push_back({f.file, pointer, fmt::format("the name of an entry with {}", quantity_key(q)),
                     fmt::format("\"{}\", which is no entry of the table", part),
                     input::did_you_mean_hint(part, entry_names(t))});
      ok = false;
      continue;
    }
    if (!it->second.get(q)) {
      out.push_back({f.file, pointer, fmt::format("an entry with {}", quantity_key(q)),
                     fmt::format("entry \"{}\" without {}", part, quantity_key(q)), ""});
      ok = false;
      continue;
    }
    if (!resolve_one(t, part, q, state, out, depth + 1)) {
      ok = false;
      continue;
    }
    sum += count * it->second.get(q)->value;
  }
  f.value = sum;
  state[{name, q}] = 2;
  return ok;
}

void resolve(TechTable& t) {
  std::map<FigureKey, int> state;
  std::vector<Diagnostic> out;
  for (auto& [name, entry] : t.entries)
    for (Quantity q : kQuantities)
      if (entry.get(q)) resolve_one(t, name, q, state, out);
  if (!out.empty()) throw InputError(out);
}

// --- Ranges --------------------------------------------------------------------

struct Variable;
std::vector<Variable> variables(TechTable& t);
// Every number of the resolved table inside its range (figure_limits.hpp); a
// figure out of range is reported where it was defined, or, when it came from
// the table this one derives from, at this table's scale.
void check_ranges(TechTable& t, const std::string& file);

// --- Loading -----------------------------------------------------------------

std::string canonical_or_same(const std::string& path) {
  std::error_code ec;
  const auto c = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : c.string();
}

TechTable parse_impl(json document, const std::string& file, std::vector<std::string>& chain) {
  DiagnosticList diags(file);
  input::validate(input::embedded_schema("tech"), document, diags);
  diags.throw_if_any();

  const bool derived = document.contains("derives_from");
  if (derived != document.contains("scale"))
    diags.add(derived ? "" : "/scale",
              derived ? "field \"scale\" (energy, area and leakage factors from the table it derives from)"
                      : "no \"scale\" without \"derives_from\"",
              derived ? "nothing" : "a scale");
  if (!derived) check_complete(document, diags);
  diags.throw_if_any();

  TechTable t;
  if (derived) {
    const std::string base_rel = document.at("derives_from");
    const std::filesystem::path base_path = std::filesystem::path(file).parent_path() / base_rel;
    const std::string base_file = base_path.string();
    const std::string canon = canonical_or_same(base_file);
    if (std::find(chain.begin(), chain.end(), canon) != chain.end())
      diags.add("/derives_from", "a table that does not derive from this one again", fmt::format("\"{}\": a cycle", base_rel));
    else if (chain.size() >= kMaxDerivationDepth)
      diags.add("/derives_from", fmt::format("at most {} tables deriving from one another", kMaxDerivationDepth),
                "a longer chain");
    diags.throw_if_any();
    chain.push_back(canon);
    try {
      t = parse_impl(input::read_json_file(base_file), base_file, chain);
    } catch (const InputError& e) {
      std::vector<Diagnostic> ds = e.diagnostics();
      ds.push_back({file, "/derives_from", "a valid technology table",
                    fmt::format("\"{}\" with the problems above", base_rel), ""});
      throw InputError(ds);
    }
    chain.pop_back();
    const json& s = document.at("scale");
    const Figure e = parse_figure(s.at("energy"), "/scale/energy", diags);
    const Figure a = parse_figure(s.at("area"), "/scale/area", diags);
    const Figure l = parse_figure(s.at("leakage"), "/scale/leakage", diags);
    for (const auto& [key, f] : {std::pair{"energy", &e}, std::pair{"area", &a}, std::pair{"leakage", &l}})
      if (f->composed() || !scale_range().contains(f->value))
        diags.add(pointer_to_field("/scale", key), "a plain \"value\": " + scale_range().describe(),
                  f->composed() ? "composed_of" : fmt_number(f->value));
    diags.throw_if_any();
    const std::string from_to = fmt::format("{} -> {}", t.name, document.at("name").get<std::string>());
    scale_table(t, e.value, a.value, l.value, from_to);
    std::vector<std::string> derivation{fmt::format("{} derives from {}: energy x{}, area x{}, leakage x{} ({})", file,
                                                    base_file, fmt_number(e.value), fmt_number(a.value),
                                                    fmt_number(l.value), e.source.empty() ? e.estimate : e.source)};
    derivation.insert(derivation.end(), t.derivation.begin(), t.derivation.end());
    t.derivation = std::move(derivation);
  }
  t.file = file;
  overlay(t, document, diags);
  diags.throw_if_any();
  resolve(t);
  check_ranges(t, file);
  return t;
}

// --- Variables (paths) -------------------------------------------------------

struct Variable {
  std::string path;
  double* value = nullptr;
  Figure* figure = nullptr;    // or
  PowerLawFit* fit = nullptr;
};

std::vector<Variable> variables(TechTable& t) {
  std::vector<Variable> v;
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

void check_ranges(TechTable& t, const std::string& file) {
  const std::vector<Variable> vars = variables(t);
  // Plain figures out of range are the cause; a composition is reported only
  // when its total leaves the range with every part inside it.
  std::set<std::string> bad_leaves;
  for (const Variable& v : vars)
    if (!(v.figure && v.figure->composed()) && !range_of_path(v.path).contains(*v.value)) bad_leaves.insert(v.path);
  std::vector<Diagnostic> out;
  for (const Variable& v : vars) {
    const FigureRange range = range_of_path(v.path);
    if (range.contains(*v.value)) continue;
    const bool composed = v.figure && v.figure->composed();
    if (composed) {
      const std::size_t dot = v.path.rfind('.');
      const std::string entry = v.path.substr(0, dot), key = v.path.substr(dot + 1);
      const Quantity q = key == quantity_key(Quantity::energy_pj) ? Quantity::energy_pj
                         : key == quantity_key(Quantity::area_um2) ? Quantity::area_um2 : Quantity::latency_cycles;
      const auto parts = t.leaves(entry, q);
      if (std::any_of(parts.begin(), parts.end(), [&](const auto& p) { return bad_leaves.count(p.first + "." + key) > 0; }))
        continue;
    }
    const std::string& defined_in = v.figure ? v.figure->file : v.fit->file;
    const std::string& at = v.figure ? v.figure->pointer : v.fit->pointer;
    const std::string field = v.figure ? (composed ? "composed_of" : "value") : v.path.substr(v.path.rfind('.') + 1);
    const std::string found = fmt_number(*v.value) + (composed ? " (the composition's total)" : "");
    if (defined_in == file)
      out.push_back({file, pointer_to_field(at, field), range.describe() + " for " + v.path, found, ""});
    else
      out.push_back({file, "/scale", fmt::format("factors that keep {} of {} {}", v.path, defined_in, range.describe()),
                     found + " after scaling", ""});
  }
  if (!out.empty()) throw InputError(out);
}

Variable find_variable(TechTable& t, const std::string& path) {
  std::vector<Variable> vs = variables(t);
  for (const Variable& v : vs)
    if (v.path == path) return v;
  std::vector<std::string> paths;
  for (const Variable& v : vs) paths.push_back(v.path);
  throw InputError(Diagnostic{"command line", "",
                              fmt::format("a figure of technology table {} such as fp32.div.energy_pj, "
                                          "sram.leakage_factor or dram.LPDDR4.energy_pj_per_bit",
                                          t.file),
                              fmt::format("\"{}\"", path), input::did_you_mean_hint(path, paths)});
}

std::optional<double> parse_double(std::string_view text) {
  const std::string s(text);
  if (s.empty() || std::isspace(static_cast<unsigned char>(s.front()))) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  return v;
}

Diagnostic bad_option(std::string_view text, const std::string& expected) {
  return {"command line", "", expected, fmt::format("\"{}\"", text), ""};
}

// A value for a --vary path inside the range of its kind of number (paths of
// no known kind are left to find_variable's did-you-mean).
void check_variation_value(std::string_view path, double value, std::string_view text) {
  const FigureRange range = range_of_path(path);
  if (range.high < range.low || range.contains(value)) return;
  throw InputError(bad_option(text, range.describe() + " for " + std::string(path)));
}

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

// --- Public ------------------------------------------------------------------

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

bool TechTable::has(const std::string& entry, Quantity q) const {
  const auto it = entries.find(entry);
  return it != entries.end() && it->second.get(q).has_value();
}

const Figure& TechTable::figure(const std::string& entry, Quantity q, const std::string& needed_for) const {
  const auto it = entries.find(entry);
  if (it != entries.end() && it->second.get(q)) return *it->second.get(q);
  const std::string pointer = pointer_to_field(pointer_to_field("/entries", entry), quantity_key(q));
  throw InputError(Diagnostic{file, pointer,
                              fmt::format("a figure {} of entry \"{}\" (needed for {})", quantity_key(q), entry, needed_for),
                              it == entries.end() ? "no such entry" : "an entry without it",
                              it == entries.end() ? input::did_you_mean_hint(entry, entry_names(*this)) : ""});
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

TechTable parse_tech_table(json document, const std::string& file) {
  std::vector<std::string> chain{canonical_or_same(file)};
  return parse_impl(std::move(document), file, chain);
}

TechTable load_tech_table(const std::string& path) { return parse_tech_table(input::read_json_file(path), path); }

std::string tech_table_path(const std::string& technology, const std::string& tech_dir) {
  const bool is_path = technology.size() > 5 && technology.compare(technology.size() - 5, 5, ".json") == 0;
  if (is_path) return technology;
  return (std::filesystem::path(tech_dir) / (technology + ".json")).string();
}

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

Variation parse_variation(std::string_view text) {
  const std::size_t eq = text.find('=');
  const std::string expected = "PATH=VALUE, e.g. fp32.div.energy_pj=40";
  if (eq == std::string_view::npos || eq == 0) throw InputError(bad_option(text, expected));
  const auto v = parse_double(text.substr(eq + 1));
  if (!v) throw InputError(bad_option(text, expected + " (VALUE a finite number)"));
  check_variation_value(text.substr(0, eq), *v, text);
  return {std::string(text.substr(0, eq)), *v};
}

VariationRange parse_variation_range(std::string_view text) {
  const std::size_t eq = text.find('=');
  const std::string expected = "PATH=LOW:HIGH, e.g. fp32.sqrt.energy_pj=20:80";
  if (eq == std::string_view::npos || eq == 0) throw InputError(bad_option(text, expected));
  const std::string_view range = text.substr(eq + 1);
  const std::size_t colon = range.find(':');
  if (colon == std::string_view::npos) throw InputError(bad_option(text, expected));
  const auto lo = parse_double(range.substr(0, colon)), hi = parse_double(range.substr(colon + 1));
  if (!lo || !hi) throw InputError(bad_option(text, expected + " (LOW and HIGH finite numbers)"));
  if (*lo > *hi) throw InputError(bad_option(text, expected + " with LOW <= HIGH"));
  check_variation_value(text.substr(0, eq), *lo, text);
  check_variation_value(text.substr(0, eq), *hi, text);
  return {std::string(text.substr(0, eq)), *lo, *hi};
}

std::vector<std::string> variable_paths(const TechTable& table) {
  std::vector<std::string> paths;
  for (const Variable& v : variables(const_cast<TechTable&>(table))) paths.push_back(v.path);
  std::sort(paths.begin(), paths.end());
  return paths;
}

double variable_value(const TechTable& table, const std::string& path) {
  return *find_variable(const_cast<TechTable&>(table), path).value;
}

std::string apply_variation(TechTable& table, const Variation& variation) {
  Variable v = find_variable(table, variation.path);
  check_variation_value(variation.path, variation.value, fmt::format("{}={}", variation.path, fmt_number(variation.value)));
  const double old = *v.value;
  const std::string change = fmt::format("{}: {} -> {}", variation.path, fmt_number(old), fmt_number(variation.value));
  if (v.figure) {
    v.figure->composed_of.clear();
    v.figure->adjustments.push_back("varied " + change);
  } else {
    v.fit->adjustments.push_back("varied " + change);
  }
  *v.value = variation.value;
  table.variations.push_back(change);
  resolve(table);
  // A composition using the varied figure may now leave its range.
  try {
    check_ranges(table, table.file);
  } catch (const InputError& e) {
    std::vector<Diagnostic> ds = e.diagnostics();
    for (Diagnostic& d : ds) d.hint = "after the variation " + change;
    throw InputError(ds);
  }
  return change;
}

std::string apply_variation(TechTable& table, std::string_view text) {
  return apply_variation(table, parse_variation(text));
}

}  // namespace qtsim::cost
