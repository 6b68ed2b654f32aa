#pragma once
// Float32 layers other than conv/linear (docs/NUMERICS.md §9). Every reduction
// runs in a fixed order, so results are deterministic for any thread count.
// Activations are N x C x H x W.
#include <cstdint>
#include <vector>

#include "../tensor.hpp"

namespace qtsim::ref {

FTensor relu_forward(const FTensor& x);
// dx = dy where the forward output y > 0, else 0.
FTensor relu_backward(const FTensor& dy, const FTensor& y);

// Max-pool: padding never wins. argmax[i] = flat input index chosen for output i
// (the first maximum in window scan order, rows then columns).
FTensor maxpool_forward(const FTensor& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                        std::vector<std::int64_t>* argmax);
FTensor maxpool_backward(const FTensor& dy, const std::vector<std::int64_t>& argmax, const Shape& x_shape);

// Average pool; padding counts in the divisor (kernel * kernel), as PyTorch's default.
FTensor avgpool_forward(const FTensor& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad);
FTensor avgpool_backward(const FTensor& dy, const Shape& x_shape, std::int64_t kernel, std::int64_t stride, std::int64_t pad);

FTensor global_avgpool_forward(const FTensor& x);                       // -> N x C x 1 x 1
FTensor global_avgpool_backward(const FTensor& dy, const Shape& x_shape);

FTensor add_forward(const FTensor& a, const FTensor& b);

// Fixup scalars: y = x + b, y = x * m (b, m hold one element).
FTensor bias_forward(const FTensor& x, const FTensor& b);
FTensor bias_backward_param(const FTensor& dy);  // db = sum dy, one element
FTensor scale_forward(const FTensor& x, const FTensor& m);
FTensor scale_backward_data(const FTensor& dy, const FTensor& m);
FTensor scale_backward_param(const FTensor& dy, const FTensor& x);  // dm = sum dy * x

// Per-output-channel bias of conv/linear: y[n,k,...] += b[k].
void channel_bias_forward(FTensor& y, const FTensor& b);
FTensor channel_bias_backward(const FTensor& dy);  // db[k] = sum over n, h, w

// Softmax cross-entropy over logits N x classes (any shape with N*classes elements).
// Returns the mean loss; dlogits = (softmax - onehot) / N; correct counts argmax hits
// (ties: the lowest class index wins).
struct LossResult {
  double loss = 0.0;
  std::int64_t correct = 0;
  FTensor dlogits;
};
LossResult softmax_cross_entropy(const FTensor& logits, const std::vector<int>& labels);
// Predicted class per sample (argmax, lowest index on ties).
std::vector<int> predict(const FTensor& logits);

}  // namespace qtsim::ref
