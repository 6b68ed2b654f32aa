#pragma once
// The residual blocks of a network: every add layer joining a branch and a
// shortcut that start at the same tensor, the block input. Both paths are
// followed back from the add through layers with one input and one reader,
// down to the tensor where they meet. The branch is the path with more weight
// layers (conv, linear); the shortcut has none (identity) or one (a projection).
#include <string>
#include <vector>

#include "layer_graph.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::import {

struct ResidualBlock {
  std::string add;                    // the join
  std::string input;                  // the block input (a layer name or kNetworkInput)
  std::vector<std::string> branch;    // layer names from the block input to the add, exclusive
  std::vector<std::string> shortcut;  // the same for the shortcut (empty: identity)
};

// Every add layer must be such a join; what is not is reported against its ONNX node.
std::vector<ResidualBlock> find_residual_blocks(const LayerGraph& g, input::DiagnosticList& diags);

// The weight layers (conv, linear) among `path`, in order (names no longer in `g` are skipped).
std::vector<std::string> weight_layers(const LayerGraph& g, const std::vector<std::string>& path);

}  // namespace qtsim::import
