#pragma once
// Convolution and linear layers: forward, backward-data, backward-weights, in
// float32 and in integers. Integer versions take quantized operands (flagged
// operands are widened exactly to their fine exponent) and return the exact
// accumulator tensor at the sum of the operand exponents; the caller quantizes.
// Conv weights are K x C x R x R, output size floor((H + 2*pad - R)/stride) + 1.
// Linear: x is N x F_in (any shape with that many elements), w is F_out x F_in,
// output N x F_out x 1 x 1.
#include <cstdint>

#include "../tensor.hpp"

namespace qtsim::ref {

FTensor conv2d_forward(const FTensor& x, const FTensor& w, std::int64_t stride, std::int64_t pad);
FTensor conv2d_backward_data(const FTensor& dy, const FTensor& w, const Shape& x_shape, std::int64_t stride, std::int64_t pad);
FTensor conv2d_backward_weights(const FTensor& x, const FTensor& dy, const Shape& w_shape, std::int64_t stride,
                                std::int64_t pad);

FTensor linear_forward(const FTensor& x, const FTensor& w);
FTensor linear_backward_data(const FTensor& dy, const FTensor& w, const Shape& x_shape);
FTensor linear_backward_weights(const FTensor& x, const FTensor& dy, const Shape& w_shape);

// acc_saturations (may be null) is increased by the number of saturating additions.
WideTensor conv2d_forward(const QTensor& x, const QTensor& w, std::int64_t stride, std::int64_t pad, int acc_bits,
                          std::uint64_t* acc_saturations);
WideTensor conv2d_backward_data(const QTensor& dy, const QTensor& w, const Shape& x_shape, std::int64_t stride,
                                std::int64_t pad, int acc_bits, std::uint64_t* acc_saturations);
WideTensor conv2d_backward_weights(const QTensor& x, const QTensor& dy, const Shape& w_shape, std::int64_t stride,
                                   std::int64_t pad, int acc_bits, std::uint64_t* acc_saturations);

WideTensor linear_forward(const QTensor& x, const QTensor& w, int acc_bits, std::uint64_t* acc_saturations);
WideTensor linear_backward_data(const QTensor& dy, const QTensor& w, const Shape& x_shape, int acc_bits,
                                std::uint64_t* acc_saturations);
WideTensor linear_backward_weights(const QTensor& x, const QTensor& dy, const Shape& w_shape, int acc_bits,
                                   std::uint64_t* acc_saturations);

}  // namespace qtsim::ref
