#pragma once
// Creates the network's parameters and their initial values (docs/WORKLOADS.md,
// "Initialisation"). Random draws use the counter-based hash with purpose
// "init", so a parameter's initial values depend only on the seed and its index.
#include <cstdint>
#include <vector>

#include "graph.hpp"
#include "parameter.hpp"
#include "scheme.hpp"

namespace qtsim::ref {

// The layer's He standard deviation sqrt(2 / fan_in), used for e_W.
double he_sigma(const Network& net, const Node& node);
// Fixed exponent e_W of a conv/linear weight under the scheme (docs/NUMERICS.md §7).
int weight_exponent(const Scheme& scheme, double he_sigma);

// What a model's parameters start with: the initialisation's random draws, or
// their shapes, widths and exponents alone — no elements (exponents never
// depend on the values) — for memory estimates and timing simulations, whose
// results do not depend on data. A model built with `shapes_only` cannot
// train or infer: its tensors hold no elements (ResNet-50's would be 300 MB of
// zeros, most of a timing run's time).
enum class InitialValues { drawn, shapes_only };

// `float_nodes[i]` says whether node i computes in float.
std::vector<Parameter> create_parameters(const Network& net, const Scheme& scheme, const std::vector<bool>& float_nodes,
                                         std::uint32_t seed, InitialValues values = InitialValues::drawn);

}  // namespace qtsim::ref
