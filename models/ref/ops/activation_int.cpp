// Integer ReLU (docs/NUMERICS.md §6): exact, no requantization.
#include "elementwise.hpp"
#include "layers_int.hpp"

namespace qtsim::ref {

QTensor relu_forward(const QTensor& x) {
  QTensor y = x;
  y.flag.clear();  // activations are never flagged; a non-positive element carries nothing
  std::int32_t* q = y.q.data();
  for_each_element(static_cast<std::int64_t>(y.size()), [q](std::int64_t i) { q[i] = q[i] > 0 ? q[i] : 0; });
  return y;
}

QTensor relu_backward(const QTensor& dy, const QTensor& y) {
  QTensor dx = dy;
  std::int32_t* q = dx.q.data();
  std::uint8_t* flag = dx.flagged() ? dx.flag.data() : nullptr;
  const std::int32_t* out = y.q.data();
  for_each_element(static_cast<std::int64_t>(dx.size()), [=](std::int64_t i) { q[i] = out[i] > 0 ? q[i] : 0; });
  if (flag != nullptr)
    for_each_element(static_cast<std::int64_t>(dx.size()), [=](std::int64_t i) { flag[i] = out[i] > 0 ? flag[i] : 0; });
  return dx;
}

}  // namespace qtsim::ref
