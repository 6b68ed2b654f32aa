#pragma once
// A trainable tensor of the network and its optimizer state, in float (FP32
// layers) or integers (docs/NUMERICS.md §7: forward weights W, master copy M,
// momentum buffer V).
#include <string>

#include "tensor.hpp"

namespace qtsim::ref {

enum class ParamRole { weight, bias, gamma, beta, scalar_bias, scalar_scale };
std::string to_string(ParamRole role);

struct Parameter {
  std::string name;  // "<node>.weight", "<node>.bias", "<node>.gamma", ...
  int node = 0;
  ParamRole role = ParamRole::weight;
  Shape shape;
  bool is_float = true;
  bool weight_decay = false;  // takes weight decay: conv/linear weights

  // float state
  FTensor value;
  FTensor velocity;

  // integer state
  QTensor w;         // forward weights: W bits at the fixed exponent e_W
  QTensor master;    // storage bits at e_W - (storage - W bits); equals w when widths agree
  QTensor velocity_q;
  bool has_velocity = false;
};

}  // namespace qtsim::ref
