#pragma once
// Integer layers other than conv/linear and batchnorm (docs/NUMERICS.md §6).
// Functions returning WideTensor give exact results that the caller quantizes
// with the path's quantizer; functions returning QTensor need no requantization.
#include <cstdint>
#include <vector>

#include "../tensor.hpp"

namespace qtsim::ref {

QTensor relu_forward(const QTensor& x);
QTensor relu_backward(const QTensor& dy, const QTensor& y);  // keeps dy's flags

QTensor maxpool_forward(const QTensor& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                        std::vector<std::int64_t>* argmax);
WideTensor maxpool_backward(const QTensor& dy, const std::vector<std::int64_t>& argmax, const Shape& x_shape);

// (sum of window) * M at exponent e - 16, M = round(2^16 / (kernel*kernel)).
std::int64_t avgpool_multiplier(std::int64_t window_area);
WideTensor avgpool_forward(const QTensor& x, std::int64_t kernel, std::int64_t stride, std::int64_t pad);
WideTensor avgpool_backward(const QTensor& dy, const Shape& x_shape, std::int64_t kernel, std::int64_t stride,
                            std::int64_t pad);
WideTensor global_avgpool_forward(const QTensor& x);
WideTensor global_avgpool_backward(const QTensor& dy, const Shape& x_shape);

// a + b aligned (docs/NUMERICS.md §1.1).
WideTensor add_aligned(const QTensor& a, const QTensor& b);

// Fixup scalars and per-channel biases.
WideTensor bias_forward(const QTensor& x, const QTensor& b);        // b: one element
WideTensor sum_all(const QTensor& dy);                              // one element
WideTensor scale_forward(const QTensor& x, const QTensor& m);       // m: one element
WideTensor scale_backward_data(const QTensor& dy, const QTensor& m);
WideTensor scale_backward_param(const QTensor& dy, const QTensor& x);  // sum dy * x, one element
// acc[n,k,...] + b[k], aligned; acc_width: the accumulator's width (|acc| < 2^acc_width).
WideTensor channel_bias_forward(const WideTensor& acc, int acc_width, const QTensor& b);
WideTensor channel_sum(const QTensor& dy);                                  // per channel k: sum over n, h, w

}  // namespace qtsim::ref
