// Integer ReLU (docs/NUMERICS.md §6): exact, no requantization.
#include "layers_int.hpp"

namespace qtsim::ref {

QTensor relu_forward(const QTensor& x) {
  QTensor y = x;
  for (auto& q : y.q) q = q > 0 ? q : 0;
  y.flag.clear();  // activations are never flagged; a non-positive element carries nothing
  return y;
}

QTensor relu_backward(const QTensor& dy, const QTensor& y) {
  QTensor dx = dy;
  for (std::size_t i = 0; i < dx.size(); ++i)
    if (y.q[i] <= 0) {
      dx.q[i] = 0;
      if (dx.flagged()) dx.flag[i] = 0;
    }
  return dx;
}

}  // namespace qtsim::ref
