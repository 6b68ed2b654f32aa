// Float32 ReLU (docs/NUMERICS.md §9).
#include <cmath>
#include <stdexcept>

#include "layers_float.hpp"

namespace qtsim::ref {

FTensor relu_forward(const FTensor& x) {
  FTensor y = x;
  // NaN passes through (as torch.relu) so a diverging run stays visible.
  for (auto& v : y.data) v = (v > 0.0f || std::isnan(v)) ? v : 0.0f;
  return y;
}

FTensor relu_backward(const FTensor& dy, const FTensor& y) {
  if (dy.size() != y.size()) throw std::invalid_argument("relu_backward: dy has " + dy.shape.str() + ", y has " + y.shape.str());
  FTensor dx = dy;
  for (std::size_t i = 0; i < dx.size(); ++i)
    if (!(y[i] > 0.0f)) dx[i] = 0.0f;
  return dx;
}

}  // namespace qtsim::ref
