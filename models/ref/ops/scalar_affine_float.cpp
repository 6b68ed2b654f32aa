// Float32 element-wise affine layers (docs/NUMERICS.md §9): the residual add,
// Fixup's scalar bias and multiplier, and the per-channel bias of conv/linear.
// Parameter gradients are sums accumulated in double in increasing element
// order (n, then c, h, w) and rounded to float once.
#include <stdexcept>
#include <string>

#include "layers_float.hpp"

namespace qtsim::ref {

namespace {

void require_same_size(const FTensor& a, const FTensor& b, const char* who) {
  if (a.size() != b.size()) throw std::invalid_argument(std::string(who) + ": " + a.shape.str() + " vs " + b.shape.str());
}

float only_element(const FTensor& t, const char* who) {
  if (t.size() != 1) throw std::invalid_argument(std::string(who) + ": scalar parameter has shape " + t.shape.str());
  return t[0];
}

FTensor scalar(double value) { return FTensor(Shape{1}, static_cast<float>(value)); }

}  // namespace

FTensor add_forward(const FTensor& a, const FTensor& b) {
  require_same_size(a, b, "add_forward");
  FTensor y = a;
  for (std::size_t i = 0; i < y.size(); ++i) y[i] += b[i];
  return y;
}

FTensor bias_forward(const FTensor& x, const FTensor& b) {
  const float bias = only_element(b, "bias_forward");
  FTensor y = x;
  for (auto& v : y.data) v += bias;
  return y;
}

FTensor bias_backward_param(const FTensor& dy) {
  double sum = 0.0;
  for (float d : dy.data) sum += d;
  return scalar(sum);
}

FTensor scale_forward(const FTensor& x, const FTensor& m) {
  const float multiplier = only_element(m, "scale_forward");
  FTensor y = x;
  for (auto& v : y.data) v *= multiplier;
  return y;
}

FTensor scale_backward_data(const FTensor& dy, const FTensor& m) { return scale_forward(dy, m); }

FTensor scale_backward_param(const FTensor& dy, const FTensor& x) {
  require_same_size(dy, x, "scale_backward_param");
  double sum = 0.0;
  // A product of two floats is exact in double, so only the additions round.
  for (std::size_t i = 0; i < dy.size(); ++i) sum += static_cast<double>(dy[i]) * static_cast<double>(x[i]);
  return scalar(sum);
}

void channel_bias_forward(FTensor& y, const FTensor& b) {
  const std::int64_t N = y.shape.n(), C = y.shape.c(), plane = y.shape.h() * y.shape.w();
  if (static_cast<std::int64_t>(b.size()) != C)
    throw std::invalid_argument("channel_bias_forward: bias " + b.shape.str() + " for output " + y.shape.str());
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t c = 0; c < C; ++c) {
      float* row = y.data.data() + (n * C + c) * plane;
      for (std::int64_t i = 0; i < plane; ++i) row[i] += b[static_cast<std::size_t>(c)];
    }
}

FTensor channel_bias_backward(const FTensor& dy) {
  const std::int64_t N = dy.shape.n(), C = dy.shape.c(), plane = dy.shape.h() * dy.shape.w();
  std::vector<double> sum(static_cast<std::size_t>(C), 0.0);
  // Element order is n, c, h, w, so each channel's terms arrive over n, then h, w.
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t c = 0; c < C; ++c) {
      const float* row = dy.data.data() + (n * C + c) * plane;
      for (std::int64_t i = 0; i < plane; ++i) sum[static_cast<std::size_t>(c)] += row[i];
    }
  FTensor db(Shape{C});
  for (std::int64_t c = 0; c < C; ++c) db[static_cast<std::size_t>(c)] = static_cast<float>(sum[static_cast<std::size_t>(c)]);
  return db;
}

}  // namespace qtsim::ref
