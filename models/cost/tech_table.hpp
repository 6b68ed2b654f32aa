#pragma once
// Technology tables (workloads/tech/*.json, schema workloads/schema/tech.schema.json,
// docs/COSTMODEL.md): per-action energies, per-instance areas and latencies,
// the SRAM fits, DRAM energies per bit and the area model's parameters of one
// technology node. Every figure carries its provenance: a published source or
// an estimate with its reasoning; the cost model only multiplies counts by
// these figures (costs are data, not code).
//
// A figure is either a value or a composition: "composed_of": {"int.mul8": 1,
// "int.add32": 1} is the sum of those entries' same quantity (energy of the
// parts for an energy, area of the parts for an area). Compositions are
// resolved when the table is loaded and again after every variation, so
// varying int.mul8 also changes every MAC built from it.
//
// A table may derive from another ("derives_from": path relative to the
// table, plus "scale": energy, area and leakage factors): the base is loaded
// and checked on its own, its plain values scaled (energies and SRAM read
// energy by the energy factor, areas by the area factor, leakage powers by
// the leakage factor; latencies, ratios, exponents and DRAM energies are not
// scaled), then this table's own entries, SRAM fits, DRAM types and
// parameters replace the base's, whole figure by whole figure.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace qtsim::cost {

// One number with its provenance.
struct Figure {
  double value = 0;                            // resolved (a composition's sum)
  std::map<std::string, double> composed_of;   // entry -> count; empty for a plain value
  std::string source;                          // citation of a published figure, or ""
  std::string estimate;                        // reasoning of an estimate, or ""
  std::vector<std::string> adjustments;        // scalings and variations applied since, in order
  std::string file, pointer;                   // where it was defined (for messages)

  bool composed() const { return !composed_of.empty(); }
  // "source: ..." or "estimate: ...", then "; <adjustment>" for each adjustment.
  std::string provenance() const;
};

enum class Quantity { energy_pj, area_um2, latency_cycles };
std::string_view quantity_key(Quantity q);  // "energy_pj", "area_um2", "latency_cycles"

struct Entry {
  std::string description;
  std::optional<Figure> energy_pj, area_um2, latency_cycles;
  const std::optional<Figure>& get(Quantity q) const;
  std::optional<Figure>& get(Quantity q);
};

// f(C) = k (C / reference_capacity_bytes)^p, with the published points it was
// fitted to and the residual fit/published - 1 documented at each.
struct FitPoint {
  double capacity_bytes = 0, published = 0, fit = 0, residual = 0;
};
struct PowerLawFit {
  double k = 0, p = 0;
  std::string source, estimate;
  std::vector<std::string> adjustments;
  double max_abs_residual = 0;  // as documented in the table (0 if not given)
  std::vector<FitPoint> points;
  std::string file, pointer;
  double at(double capacity_bytes, double reference_capacity_bytes) const;
  std::string provenance() const;
};

struct SramTech {
  std::string form;
  double reference_capacity_bytes = 8192;
  double reference_word_bits = 64;
  PowerLawFit read_energy_pj;  // per reference-width read access of one bank
  PowerLawFit area_mm2;        // one single-ported bank
  PowerLawFit leakage_mw;      // one single-ported bank
  Figure write_energy_ratio, word_width_exponent, extra_port_area_factor, leakage_factor;
};

struct TechTable {
  std::string name, description;
  std::string file;                    // the file it was loaded from, as given
  double node_nm = 0;
  double voltage_v = 0;                // 0: not stated
  std::vector<std::string> derivation; // "7nm.json derives from 45nm.json: energy x0.094, area x0.059, leakage x0.094", base last
  std::map<std::string, Entry> entries;
  SramTech sram;
  std::map<std::string, Figure> dram_pj_per_bit;  // by DRAM type (hw dram.type)
  Figure logic_leakage_mw_per_mm2, area_overhead_fraction;
  std::vector<std::string> variations;            // applied variations, "PATH: OLD -> NEW"

  bool has(const std::string& entry, Quantity q) const;
  // The figure, or input::InputError naming this table's file, the entry's
  // pointer and `needed_for` ("action norm.fp32.sqrt, counted 1234 times").
  const Figure& figure(const std::string& entry, Quantity q, const std::string& needed_for) const;
  double value(const std::string& entry, Quantity q, const std::string& needed_for) const {
    return figure(entry, q, needed_for).value;
  }
  // The plain (uncomposed) figures behind an entry's quantity, each with how
  // many of it one instance contains: mac.int8_acc32 energy -> {int.mul8: 1, int.add32: 1}.
  std::map<std::string, double> leaves(const std::string& entry, Quantity q) const;
};

// Reads, checks and resolves a technology table (any path: the presets in
// workloads/tech/ or a user's own). Throws input::InputError listing every
// problem, each naming the file, the JSON pointer, what was expected and what
// was found.
TechTable load_tech_table(const std::string& path);

// The same for an already parsed document named `file` in messages;
// "derives_from" is resolved relative to `file`'s folder.
TechTable parse_tech_table(nlohmann::json document, const std::string& file);

// The table file for a hardware configuration's "technology": a name such as
// "45nm" means `tech_dir`/45nm.json; anything ending in ".json" is a path.
std::string tech_table_path(const std::string& technology, const std::string& tech_dir);

// The resolved table (every figure's value and provenance), for embedding in reports.
nlohmann::ordered_json to_json(const TechTable& table);

// --- Sensitivity: one figure changed (issue 4 item 5, `--vary PATH=LOW:HIGH`).
//
// Paths name one number of the table:
//   ENTRY.energy_pj | ENTRY.area_um2 | ENTRY.latency_cycles   (e.g. fp32.div.energy_pj)
//   sram.read_energy_pj.k | .p, sram.area_mm2.k | .p, sram.leakage_mw.k | .p,
//   sram.write_energy_ratio, sram.word_width_exponent, sram.extra_port_area_factor, sram.leakage_factor
//   dram.TYPE.energy_pj_per_bit                               (e.g. dram.LPDDR4.energy_pj_per_bit)
//   logic_leakage_mw_per_mm2, area_overhead_fraction
// Setting a composed figure replaces the composition by the plain value;
// compositions that use the figure follow it.
struct Variation {
  std::string path;
  double value = 0;
};
struct VariationRange {
  std::string path;
  double low = 0, high = 0;
};

// "PATH=VALUE"; throws input::InputError (file "command line") if malformed.
Variation parse_variation(std::string_view text);
// "PATH=LOW:HIGH"; throws input::InputError if malformed or LOW > HIGH.
VariationRange parse_variation_range(std::string_view text);

// Every path apply_variation accepts for this table, sorted.
std::vector<std::string> variable_paths(const TechTable& table);
// The current value at `path`; throws input::InputError for an unknown path.
double variable_value(const TechTable& table, const std::string& path);
// Sets the number at `path`, re-resolves compositions and records the change
// in table.variations and in the figure's adjustments; returns
// "PATH: OLD -> NEW". Throws input::InputError for an unknown path (with a
// did-you-mean hint) or a negative value where figures must be >= 0.
std::string apply_variation(TechTable& table, const Variation& variation);
// "PATH=VALUE" at once.
std::string apply_variation(TechTable& table, std::string_view text);

}  // namespace qtsim::cost
