#pragma once
// A network written with one normalization given another (the workload's
// "written_as", docs/WORKLOADS.md): the loader builds the layers as written,
// then derives the variant. From "batchnorm" to "none": every batchnorm goes,
// the conv or linear layer it normalized gets a bias (as the shipped networks
// without normalization have). To "fixup", as the loader expands the shipped
// Fixup residual blocks (Zhang et al. 2019, "Fixup Initialization",
// arXiv:1901.09321, Section 3):
//   - every batchnorm goes; outside residual blocks a scalar bias takes its
//     place, in a shortcut nothing does;
//   - in each residual branch a scalar bias comes before every weight layer,
//     and after every weight layer but the last; the last weight layer starts
//     at zero and is followed by a scalar multiplier and a bias; the other
//     weight layers of the branch have their initialisation scaled by
//     L^(-1/(2m-2)), L residual branches, m weight layers per branch;
//   - a projection shortcut reads the block input after the branch's first
//     bias when the branch starts with its weight layer.
// (The classifier's scalar bias and zero start come from the network builder,
// as in every Fixup workload.)
#include <string>

#include "layer_graph.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::workload {

// Derives `target` ("none" or "fixup") in place; problems (an add that is not a
// residual join, a network without residual blocks) go to `diags`, at the
// layer's origin or at `network_pointer`.
void derive_normalization(LayerGraph& g, const std::string& target, const std::string& network_pointer,
                          input::DiagnosticList& diags);

}  // namespace qtsim::workload
