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
// This header holds the plain structures and the arithmetic on them. Reading
// and checking table files (derived tables, ranges, messages naming file and
// JSON pointer) is the input side's: sim/costinput/tech_table_loader.hpp.
#include <map>
#include <optional>
#include <stdexcept>
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
inline constexpr Quantity kQuantities[] = {Quantity::energy_pj, Quantity::area_um2, Quantity::latency_cycles};
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
  // The figure, or MissingFigure naming the entry and `needed_for`
  // ("action norm.fp32.sqrt, counted 1234 times").
  const Figure& figure(const std::string& entry, Quantity q, const std::string& needed_for) const;
  double value(const std::string& entry, Quantity q, const std::string& needed_for) const {
    return figure(entry, q, needed_for).value;
  }
  // The energy per bit of a DRAM type, or MissingFigure.
  const Figure& dram(const std::string& type, const std::string& needed_for) const;
  // The plain (uncomposed) figures behind an entry's quantity, each with how
  // many of it one instance contains: mac.int8_acc32 energy -> {int.mul8: 1, int.add32: 1}.
  std::map<std::string, double> leaves(const std::string& entry, Quantity q) const;
  std::vector<std::string> entry_names() const;
};

// A figure the cost model needs and the table lacks. The input side turns it
// into an input error with a did-you-mean hint (sim/costinput/tech_table_loader.hpp).
class MissingFigure : public std::runtime_error {
 public:
  MissingFigure(std::string file, std::vector<std::string> where, std::string expected, std::string found,
                std::string name, std::vector<std::string> known);
  std::string file;                // the table's file
  std::vector<std::string> where;  // JSON pointer fields: {"entries", NAME, "energy_pj"}, {"dram", TYPE, ...}
  std::string expected, found;
  std::string name;                // the entry or DRAM type asked for
  std::vector<std::string> known;  // the names the table has instead (empty when the entry exists)
};

// Nesting of compositions deeper than this is refused (a chain of 100000
// entries each composed of the next overflowed the stack; found by fuzzing).
inline constexpr int kMaxCompositionDepth = 64;

// Why a composition cannot be summed.
struct CompositionProblem {
  enum class Kind { unknown_part, part_without_quantity, cycle, too_deep };
  Kind kind;
  std::string entry;  // the composed entry where it shows
  Quantity quantity;
  std::string part;   // the part concerned
};

// Sums every composition, parts first. Returns the problems; a table that
// loaded has none, and a variation cannot create one.
std::vector<CompositionProblem> resolve_compositions(TechTable& table);

// The resolved table (every figure's value and provenance), for embedding in reports.
nlohmann::ordered_json to_json(const TechTable& table);

// --- Sensitivity: one number of the table changed (`--vary PATH=LOW:HIGH`).
//
// Paths name one number of the table:
//   ENTRY.energy_pj | ENTRY.area_um2 | ENTRY.latency_cycles   (e.g. fp32.div.energy_pj)
//   sram.read_energy_pj.k | .p, sram.area_mm2.k | .p, sram.leakage_mw.k | .p,
//   sram.write_energy_ratio, sram.word_width_exponent, sram.extra_port_area_factor, sram.leakage_factor
//   dram.TYPE.energy_pj_per_bit                               (e.g. dram.LPDDR4.energy_pj_per_bit)
//   logic_leakage_mw_per_mm2, area_overhead_fraction
struct Variation {
  std::string path;
  double value = 0;
};
struct VariationRange {  // --vary PATH=LOW:HIGH
  std::string path;
  double low = 0, high = 0;
};

struct TableNumber {
  std::string path;
  double* value = nullptr;
  Figure* figure = nullptr;     // the figure it is, or
  PowerLawFit* fit = nullptr;   // the SRAM fit it is a parameter of
};
std::vector<TableNumber> table_numbers(TechTable& table);

// Every path, sorted.
std::vector<std::string> variable_paths(const TechTable& table);

// Sets the number at `path`: a composed figure becomes the plain value (the
// compositions that use it follow it), the change is recorded in
// table.variations and in the figure's adjustments. Returns "PATH: OLD -> NEW",
// or nothing when the table has no such path.
std::optional<std::string> set_number(TechTable& table, const std::string& path, double value);

}  // namespace qtsim::cost
