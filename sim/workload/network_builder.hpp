#pragma once
// Expands the workload's layer list (with residual-block macros and
// "normalize" convs) into the reference's graph of primitive nodes, following
// the network's normalization: batchnorm, fixup or none (docs/WORKLOADS.md).
#include <string>

#include <nlohmann/json.hpp>

#include "models/ref/graph.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::workload {

// `network` is the checked "/network" object; input shape C,H,W and classes
// come from "/input". Problems go to `diags` (pointers under /network/layers).
ref::Network build_network(const nlohmann::json& network, const ref::Shape& input, int classes,
                           input::DiagnosticList& diags);

}  // namespace qtsim::workload
