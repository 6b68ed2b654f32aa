#include "fp32_avgpool_backward_kernel.hpp"

#include <stdexcept>

#include "models/hw/kernels/vector/float_lane.hpp"

namespace qtsim::hw {

Fp32AvgPoolBackwardKernel::Fp32AvgPoolBackwardKernel(KernelLabel label, const HwTensor& dy, const HwTensor& dx,
                                                     const PoolWindow& window, const HwConfig& config)
    : StreamKernel(std::move(label), dx.data.dims, Chunking::planes_by_image,
                   {{dy, OperandRole::planes, false, false}, {dx, OperandRole::same, true, false}}, config),
      window_(window), out_(window.output_dims(dx.data.dims)),
      candidates_(window.candidates(out_)) {
  if (!dy.is_float() || !dx.is_float() || !(dy.data.dims == out_))
    throw std::invalid_argument("fp32 avg-pool backward: dy " + dy.data.dims.str() + " / dx " + dx.data.dims.str() +
                                " do not fit the window");
}

void Fp32AvgPoolBackwardKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  if (window_.global) {  // one divide per plane, broadcast over the plane
    tile.actions.add(Action::vec_fp_div, static_cast<std::uint64_t>(chunk.box.nn * chunk.box.nc));
    tile.cycles = stream_cycles(chunk.elements, 1, unit_lanes());
    return;
  }
  tile.actions.add(Action::vec_fp_add, n * static_cast<std::uint64_t>(candidates_));
  tile.actions.add(Action::vec_fp_div, n);
  tile.cycles = stream_cycles(chunk.elements, static_cast<int>(candidates_ + 1), unit_lanes());
}

void Fp32AvgPoolBackwardKernel::compute(const Chunk& chunk, KernelEnv&) {
  const Dims4& in = shape();
  const double area = static_cast<double>(window_.area());
  const std::int64_t in_plane = in.h * in.w, out_plane = out_.h * out_.w;
  const std::int64_t planes = chunk.box.nn * chunk.box.nc;
  for (std::int64_t p = 0; p < planes; ++p) {
    if (window_.global) {
      const auto share = static_cast<float>(static_cast<double>(load_f32(chunk.data[0], p)) / area);
      for (std::int64_t i = 0; i < in_plane; ++i) store_f32(chunk.data[1], p * in_plane + i, share);
      continue;
    }
    window_.gather<double>(
        in, out_, [&](std::int64_t o, std::int64_t) { return static_cast<double>(load_f32(chunk.data[0], p * out_plane + o)); },
        [&](std::int64_t i, double sum) { store_f32(chunk.data[1], p * in_plane + i, static_cast<float>(sum / area)); });
  }
}

}  // namespace qtsim::hw
