#pragma once
// Grouped convolution (docs/NUMERICS.md §5): the input channels and the filters
// are cut into `groups` equal, consecutive parts, and filter group g reads only
// input-channel group g. Weights are K x C/groups x R x R. Each group is an
// ordinary convolution of its own channels, so the canonical orders and the
// saturation rules of conv2d hold within each group; groups = C = K is a
// depthwise convolution. With groups = 1 these are the dense.hpp functions.
#include <cstdint>

#include "../tensor.hpp"

namespace qtsim::ref {

FTensor grouped_conv2d_forward(const FTensor& x, const FTensor& w, std::int64_t stride, std::int64_t pad,
                               std::int64_t groups);
FTensor grouped_conv2d_backward_data(const FTensor& dy, const FTensor& w, const Shape& x_shape, std::int64_t stride,
                                     std::int64_t pad, std::int64_t groups);
FTensor grouped_conv2d_backward_weights(const FTensor& x, const FTensor& dy, const Shape& w_shape, std::int64_t stride,
                                        std::int64_t pad, std::int64_t groups);

// acc_saturations (may be null) is increased by the saturating additions of every group.
WideTensor grouped_conv2d_forward(const QTensor& x, const QTensor& w, std::int64_t stride, std::int64_t pad,
                                  std::int64_t groups, int acc_bits, std::uint64_t* acc_saturations);
WideTensor grouped_conv2d_backward_data(const QTensor& dy, const QTensor& w, const Shape& x_shape, std::int64_t stride,
                                        std::int64_t pad, std::int64_t groups, int acc_bits,
                                        std::uint64_t* acc_saturations);
WideTensor grouped_conv2d_backward_weights(const QTensor& x, const QTensor& dy, const Shape& w_shape,
                                           std::int64_t stride, std::int64_t pad, std::int64_t groups, int acc_bits,
                                           std::uint64_t* acc_saturations);

}  // namespace qtsim::ref
