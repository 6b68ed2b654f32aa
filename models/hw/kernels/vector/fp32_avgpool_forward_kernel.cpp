#include "fp32_avgpool_forward_kernel.hpp"

#include <stdexcept>

#include "models/hw/kernels/vector/float_lane.hpp"

namespace qtsim::hw {

Fp32AvgPoolForwardKernel::Fp32AvgPoolForwardKernel(KernelLabel label, const HwTensor& x, const HwTensor& y,
                                                   const PoolWindow& window, const HwConfig& config)
    : StreamKernel(std::move(label), window.output_dims(x.data.dims), Chunking::planes_by_image,
                   {{x, OperandRole::planes, false, false}, {y, OperandRole::same, true, false}}, config),
      window_(window), in_(x.data.dims) {
  if (!x.is_float() || !y.is_float()) throw std::invalid_argument("fp32 avg-pool forward: float32 tensors expected");
}

void Fp32AvgPoolForwardKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  tile.actions.add(Action::vec_fp_add, n * static_cast<std::uint64_t>(window_.area()));
  tile.actions.add(Action::vec_fp_div, n);
  tile.cycles = stream_cycles(chunk.elements, static_cast<int>(window_.area() + 1), unit_lanes());
}

void Fp32AvgPoolForwardKernel::compute(const Chunk& chunk, KernelEnv&) {
  const Dims4& o = shape();
  const double area = static_cast<double>(window_.area());
  const std::int64_t in_plane = in_.h * in_.w, out_plane = o.h * o.w;
  const std::int64_t planes = chunk.box.nn * chunk.box.nc;
  for (std::int64_t p = 0; p < planes; ++p)
    for (std::int64_t oh = 0; oh < o.h; ++oh)
      for (std::int64_t ow = 0; ow < o.w; ++ow) {
        double sum = 0.0;
        for (std::int64_t r = 0; r < window_.kernel_h; ++r) {
          const std::int64_t ih = window_.start(oh) + r;
          if (ih < 0 || ih >= in_.h) continue;
          for (std::int64_t s = 0; s < window_.kernel_w; ++s) {
            const std::int64_t iw = window_.start(ow) + s;
            if (iw < 0 || iw >= in_.w) continue;
            sum += load_f32(chunk.data[0], p * in_plane + ih * in_.w + iw);
          }
        }
        store_f32(chunk.data[1], p * out_plane + oh * o.w + ow, static_cast<float>(sum / area));
      }
}

}  // namespace qtsim::hw
