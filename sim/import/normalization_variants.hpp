#pragma once
// What `qtsim import --normalization` makes of the network's BatchNormalization
// layers: keep them (workload normalization "batchnorm"), remove them, giving
// the conv before each a per-channel bias as the shipped networks without
// normalization have ("none"), or derive the Fixup variant ("fixup") the way
// the workload loader expands the shipped Fixup residual blocks (Zhang et al.
// 2019, "Fixup Initialization", arXiv:1901.09321, Section 3):
//   - every BatchNormalization goes; outside residual blocks a scalar bias
//     takes its place, in a shortcut nothing does;
//   - in each residual branch a scalar bias comes before every weight layer,
//     and after every weight layer but the last; the last weight layer starts
//     at zero and is followed by a scalar multiplier and a bias; the other
//     weight layers of the branch start He-initialised over the fan-in with
//     gain L^(-1/(2m-2)), L residual branches, m weight layers per branch;
//   - a projection shortcut reads the block input after the branch's first
//     bias when the branch starts with its weight layer;
//   - the classifier (the last layer, if fully connected) gets its scalar bias
//     and zero start from the loader, as in every Fixup workload.
#include <string>
#include <vector>

#include "onnx_translation.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::import {

enum class NormalizationChoice { keep, fixup, none };

struct NormalizationVariant {
  std::string normalization;       // the workload's: "batchnorm", "fixup" or "none"
  int residual_branches = 0;       // fixup: L
  std::vector<std::string> notes;  // what was changed, for the user
};

NormalizationVariant apply_normalization(Translation& t, NormalizationChoice choice, input::DiagnosticList& diags);

}  // namespace qtsim::import
