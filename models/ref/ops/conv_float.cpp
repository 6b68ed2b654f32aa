// Float conv2d in the canonical orders of docs/NUMERICS.md §5 (bitwise the
// sequential float sums), on virtual grids (conv_vgrid.hpp) with no patch
// matrix. Strided backward-data (and pad >= R) keeps its own fixed order: each
// tap's sum over k (a GEMM to patch columns), added to dx in (r, s) order (col2im).
#include <vector>

#include "conv_common.hpp"
#include "conv_vgrid.hpp"
#include "dense.hpp"
#include "gemm.hpp"
#include "im2col.hpp"

namespace qtsim::ref {

using namespace conv_detail;

FTensor conv2d_forward(const FTensor& x, const FTensor& w, std::int64_t stride, std::int64_t pad) {
  const ConvGeometry g = conv_geometry(x.shape, w.shape, stride, pad);
  check_size(x, x.shape, "conv2d_forward");
  check_size(w, w.shape, "conv2d_forward");
  FTensor y(g.output_shape());
  vgrid::float_forward(x.data.data(), w.data.data(), g, y.data.data());
  return y;
}

FTensor conv2d_backward_data(const FTensor& dy, const FTensor& w, const Shape& x_shape, std::int64_t stride,
                             std::int64_t pad) {
  const ConvGeometry g = conv_geometry(x_shape, w.shape, stride, pad);
  check_dy_shape(dy.shape, g, "conv2d_backward_data");
  check_size(dy, dy.shape, "conv2d_backward_data");
  check_size(w, w.shape, "conv2d_backward_data");
  FTensor dx(x_shape);
  if (vgrid::float_backward_data_supported(g, w.data.data())) {
    vgrid::float_backward_data(dy.data.data(), w.data.data(), g, dx.data.data());
    return dx;
  }
  // Non-finite weights: GEMM to patch columns, then col2im, which adds only the taps inside dy.
  const i64 K = g.filters, CRS = g.patch(), PQ = g.out_pixels();
  std::vector<float> w_t(static_cast<std::size_t>(CRS * K));  // [crs][k]
  transpose(w.data.data(), K, CRS, w_t.data());
  const ImageGroups groups = image_groups(g);
  for_each_group(groups, [&](i64 n0, i64 n1) {
    const i64 pixels = (n1 - n0) * PQ;
    float* cols = scratch<float, Slot::lowered>(CRS * groups.size * PQ);
    const float* dy_cols = dy.data.data() + n0 * K * PQ;  // one image is already [k][pixel]
    if (n1 - n0 > 1) {
      float* packed = scratch<float, Slot::operand>(K * groups.size * PQ);
      images_to_channel_major(dy.data.data(), n0, n1, K, PQ, packed);
      dy_cols = packed;
    }
    gemm_float(CRS, pixels, K, w_t.data(), dy_cols, cols);
    col2im_add(cols, g, n0, n1, dx.data.data());
  });
  return dx;
}

// Sums each weight gradient over (n, p, q) in order.
FTensor conv2d_backward_weights(const FTensor& x, const FTensor& dy, const Shape& w_shape, std::int64_t stride,
                                std::int64_t pad) {
  const ConvGeometry g = conv_geometry(x.shape, w_shape, stride, pad);
  check_dy_shape(dy.shape, g, "conv2d_backward_weights");
  check_size(x, x.shape, "conv2d_backward_weights");
  check_size(dy, dy.shape, "conv2d_backward_weights");
  FTensor dw(w_shape);
  vgrid::float_backward_weights(x.data.data(), dy.data.data(), g, dw.data.data());
  return dw;
}

}  // namespace qtsim::ref
