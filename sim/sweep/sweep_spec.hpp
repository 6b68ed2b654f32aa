#pragma once
// A sweep file (workloads/schema/sweep.schema.json, docs/SWEEP.md), read and
// checked: its workloads and base hardware loaded, the variants resolved to
// their workload changes and hardware, every axis expanded to its list of
// values and its paths checked against the documents they point into. Every
// problem names the sweep file (or the file it refers to), the JSON pointer,
// what was expected and what was found (input::InputError, exit code 2).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/compare/compare_run.hpp"
#include "sim/compare/workload_variants.hpp"

namespace qtsim::sweep {

enum class AxisTarget { hardware, workload };

struct Axis {
  std::string name;
  AxisTarget target = AxisTarget::hardware;
  std::vector<std::string> paths;      // JSON pointers into the target document
  std::vector<nlohmann::json> values;  // scalars; whole numbers stored as integers
  std::string pointer;                 // "/axes/2" in the sweep file
  bool from_range = false;             // values came from "range" (messages point there)
  // Where value i is written in the sweep file (for messages).
  std::string value_pointer(std::size_t i) const;
};

struct WorkloadChoice {
  std::string label;         // the value of the "workload" parameter: the file's stem (without -bn/-fixup with variants)
  std::string file;          // path as resolved (relative to the working directory)
  nlohmann::json document;   // as read
};

// One scheme variant and the hardware it runs on. Without "variants" in the
// file there is a single one, `as_given`: the workloads unchanged on "hardware".
struct VariantChoice {
  std::string name;                      // fp32-bn, int8-eoq, ... ("" for as_given)
  std::optional<compare::VariantSpec> spec;  // normalization and scheme it sets
  std::string hardware_file;
  nlohmann::json hardware;               // "extends" resolved, defaults filled in
  bool as_given() const { return !spec.has_value(); }
};

struct Constraint {
  std::string metric;  // total_sram_kib | area_mm2 | pes
  std::optional<double> min, max;
  std::string pointer;  // "/constraints/0"
};

struct Sample {
  std::int64_t points = 0;
  std::uint32_t seed = 1;
};

struct SweepSpec {
  std::string file;  // as given
  std::string name, description;
  std::vector<WorkloadChoice> workloads;
  std::vector<VariantChoice> variants;  // at least one
  std::vector<Axis> axes;
  std::optional<Sample> sample;
  std::vector<Constraint> constraints;
  nlohmann::json document;  // the checked sweep document, defaults filled in
};

// The variants a sweep file may name, with the workload change compare makes
// for each and the preset its hardware defaults to.
struct KnownVariant {
  std::string name;
  compare::VariantSpec spec;
  std::string hardware_preset;
};
const std::vector<KnownVariant>& known_variants();

// Reads and checks the sweep file; `presets` finds a variant's default
// hardware. Throws input::InputError listing every problem found.
SweepSpec load_sweep(const std::string& path, const compare::PresetLocator& presets);

}  // namespace qtsim::sweep
