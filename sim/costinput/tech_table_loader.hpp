#pragma once
// Reading and checking technology tables: the input side of models/cost, as
// sim/hwconfig is of models/hw. A table file is checked against
// workloads/schema/tech.schema.json, then for what the schema cannot say
// (provenance, compositions, ranges), and resolved into the plain
// cost::TechTable the cost model reads. Every problem is reported at once,
// each naming the file, the JSON pointer, what was expected and what was found
// (input::InputError; the command line exits with code 2).
//
// A table may derive from another ("derives_from": path relative to the
// table, plus "scale": energy, area and leakage factors): the base is loaded
// and checked on its own, its plain values scaled (energies and SRAM read
// energy by the energy factor, areas by the area factor, leakage powers by
// the leakage factor; latencies, ratios, exponents and DRAM energies are not
// scaled), then this table's own entries, SRAM fits, DRAM types and
// parameters replace the base's, whole figure by whole figure.
//
// Declared in namespace cost, next to the structures they fill.
#include <string>

#include <nlohmann/json.hpp>

#include "models/cost/tech_table.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::cost {

// Reads, checks and resolves a technology table (any path: the presets in
// workloads/tech/ or a user's own). Throws input::InputError listing every problem.
TechTable load_tech_table(const std::string& path);

// The same for an already parsed document named `file` in messages;
// "derives_from" is resolved relative to `file`'s folder.
TechTable parse_tech_table(nlohmann::json document, const std::string& file);

// Every number of the table inside its range (models/cost/figure_limits.hpp):
// a figure out of range is reported where it was defined, or, when it came
// from the table this one derives from, at the scale of `file`. Throws
// input::InputError.
void check_table_ranges(TechTable& table, const std::string& file);

// A figure the cost model missed, as an input problem (with a did-you-mean hint).
input::Diagnostic to_diagnostic(const MissingFigure& missing);

}  // namespace qtsim::cost
