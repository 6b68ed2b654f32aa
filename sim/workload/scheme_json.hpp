#pragma once
// Schemes to and from JSON: a preset name, or {"preset": ..., overrides}
// (docs/WORKLOADS.md, "Schemes"). The structure is checked by the workload
// schema; this adds the rules a schema cannot express.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "models/ref/scheme.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::workload {

// Builds the scheme at `pointer` of `file`; problems go to `diags`.
std::optional<ref::Scheme> parse_scheme(const nlohmann::json& j, const std::string& pointer, input::DiagnosticList& diags);
// Every field, as `qtsim scheme NAME` prints it.
nlohmann::ordered_json scheme_to_json(const ref::Scheme& s);

}  // namespace qtsim::workload
