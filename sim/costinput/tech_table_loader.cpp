#include "tech_table_loader.hpp"

#include <algorithm>
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

namespace {

constexpr std::size_t kMaxDerivationDepth = 16;

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

Diagnostic composition_diagnostic(const TechTable& t, const CompositionProblem& p) {
  const Figure& f = *t.entries.at(p.entry).get(p.quantity);
  const std::string parts = pointer_to_field(f.pointer, "composed_of");
  const std::string q(quantity_key(p.quantity));
  switch (p.kind) {
    case CompositionProblem::Kind::unknown_part:
      return {f.file, pointer_to_field(parts, p.part), "the name of an entry with " + q,
              fmt::format("\"{}\", which is no entry of the table", p.part), input::did_you_mean_hint(p.part, t.entry_names())};
    case CompositionProblem::Kind::part_without_quantity:
      return {f.file, pointer_to_field(parts, p.part), "an entry with " + q, fmt::format("entry \"{}\" without {}", p.part, q), ""};
    case CompositionProblem::Kind::cycle:
      return {f.file, parts, "a composition that does not contain itself", fmt::format("a cycle through '{}'", p.part), ""};
    case CompositionProblem::Kind::too_deep:
      break;
  }
  return {f.file, parts, fmt::format("compositions nested at most {} deep", kMaxCompositionDepth),
          fmt::format("a deeper chain of {} through '{}'", q, p.part), ""};
}

void resolve_checked(TechTable& t) {
  std::vector<Diagnostic> out;
  for (const CompositionProblem& p : resolve_compositions(t)) out.push_back(composition_diagnostic(t, p));
  if (!out.empty()) throw InputError(out);
}

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
  resolve_checked(t);
  check_table_ranges(t, file);
  return t;
}

}  // namespace

void check_table_ranges(TechTable& t, const std::string& file) {
  const std::vector<TableNumber> vars = table_numbers(t);
  // Plain figures out of range are the cause; a composition is reported only
  // when its total leaves the range with every part inside it.
  std::set<std::string> bad_leaves;
  for (const TableNumber& v : vars)
    if (!(v.figure && v.figure->composed()) && !range_of_path(v.path).contains(*v.value)) bad_leaves.insert(v.path);
  std::vector<Diagnostic> out;
  for (const TableNumber& v : vars) {
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

Diagnostic to_diagnostic(const MissingFigure& m) {
  std::string pointer;
  for (const std::string& field : m.where) pointer = pointer_to_field(pointer, field);
  return {m.file, pointer, m.expected, m.found, m.known.empty() ? "" : input::did_you_mean_hint(m.name, m.known)};
}

TechTable parse_tech_table(json document, const std::string& file) {
  std::vector<std::string> chain{canonical_or_same(file)};
  return parse_impl(std::move(document), file, chain);
}

TechTable load_tech_table(const std::string& path) { return parse_tech_table(input::read_json_file(path), path); }

}  // namespace qtsim::cost
