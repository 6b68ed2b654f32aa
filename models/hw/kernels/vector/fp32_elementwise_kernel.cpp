#include "fp32_elementwise_kernel.hpp"

#include <cmath>
#include <stdexcept>

#include "models/hw/kernels/vector/float_lane.hpp"

namespace qtsim::hw {

std::vector<StreamOperand> Fp32ElementwiseKernel::operands_of(Fp32ElementwiseOp op, const HwTensor& a,
                                                              const HwTensor* b, const HwTensor& out) {
  if (!a.is_float() || !out.is_float() || (b && !b->is_float()))
    throw std::invalid_argument("fp32 elementwise '" + out.data.name + "': float32 tensors expected");
  if ((op == Fp32ElementwiseOp::relu) != (b == nullptr))
    throw std::invalid_argument("fp32 elementwise '" + out.data.name + "': wrong number of operands");
  std::vector<StreamOperand> ops{{a, OperandRole::same, false, false}};
  if (b) {
    OperandRole role = OperandRole::same;
    if (op == Fp32ElementwiseOp::scalar_add || op == Fp32ElementwiseOp::scalar_mul) {
      role = OperandRole::whole;
      if (b->data.dims.numel() != 1)
        throw std::invalid_argument("fp32 scalar op: '" + b->data.name + "' should hold one element");
    } else if (op == Fp32ElementwiseOp::channel_add) {
      role = OperandRole::channel;
      if (!(b->data.dims == Dims4{1, a.data.dims.c, 1, 1}))
        throw std::invalid_argument("fp32 channel bias '" + b->data.name + "' should be [1][C][1][1] for " +
                                    a.data.dims.str());
    }
    ops.push_back({*b, role, false, false});
  }
  ops.push_back({out, OperandRole::same, true, false});
  return ops;
}

Fp32ElementwiseKernel::Fp32ElementwiseKernel(KernelLabel label, Fp32ElementwiseOp op, const HwTensor& a,
                                             const HwTensor* b, const HwTensor& out, const HwConfig& config)
    : StreamKernel(std::move(label), a.data.dims,
                   op == Fp32ElementwiseOp::channel_add ? Chunking::rows_by_image : Chunking::flat,
                   operands_of(op, a, b, out), config),
      op_(op) {}

void Fp32ElementwiseKernel::cost(const Chunk& chunk, Tile& tile) const {
  tile.actions.add(op_ == Fp32ElementwiseOp::scalar_mul ? Action::vec_fp_mul : Action::vec_fp_add,
                   static_cast<std::uint64_t>(chunk.elements));
  tile.cycles = stream_cycles(chunk.elements, 1, unit_lanes());
}

void Fp32ElementwiseKernel::compute(const Chunk& chunk, KernelEnv&) {
  const std::uint8_t* a = chunk.data[0];
  const std::uint8_t* b = op_ == Fp32ElementwiseOp::relu ? nullptr : chunk.data[1];
  std::uint8_t* y = chunk.data.back();
  const Box& box = chunk.box;
  const std::int64_t plane = box.nh * box.nw;
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const float x = load_f32(a, i);
    float r = 0.0f;
    switch (op_) {
      case Fp32ElementwiseOp::relu: r = (x > 0.0f || std::isnan(x)) ? x : 0.0f; break;
      case Fp32ElementwiseOp::relu_backward: r = load_f32(b, i) > 0.0f ? x : 0.0f; break;
      case Fp32ElementwiseOp::add: r = x + load_f32(b, i); break;
      case Fp32ElementwiseOp::scalar_add: r = x + load_f32(b, 0); break;
      case Fp32ElementwiseOp::scalar_mul: r = x * load_f32(b, 0); break;
      case Fp32ElementwiseOp::channel_add: r = x + load_f32(b, (i / plane) % box.nc); break;
    }
    store_f32(y, i, r);
  }
}

}  // namespace qtsim::hw
