#include "int_parameter_update_kernel.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/vector/align_grid.hpp"
#include "models/hw/kernels/vector/widen_lane.hpp"

namespace qtsim::hw {

std::vector<StreamOperand> IntParameterUpdateKernel::operands_of(const IntUpdateTensors& t) {
  std::vector<StreamOperand> ops{{t.direction, OperandRole::same, false, t.direction.flagged},
                                 {t.master, OperandRole::same, false, false},
                                 {t.update, OperandRole::same, true, false},
                                 {t.master_out, OperandRole::same, true, false}};
  if (t.weights_out) ops.push_back({*t.weights_out, OperandRole::same, true, false});
  return ops;
}

IntParameterUpdateKernel::IntParameterUpdateKernel(KernelLabel label, const IntUpdateTensors& tensors,
                                                   const IntUpdateRates& rates, ref::Rounding rounding,
                                                   const ref::RandomStream& update_random, const HwConfig& config)
    : StreamKernel(std::move(label), tensors.master.data.dims, Chunking::flat, operands_of(tensors), config),
      t_(tensors), rates_(rates), rounding_(rounding), random_(update_random) {
  if (t_.direction.is_float() || t_.master.is_float() || t_.master.flagged)
    throw std::invalid_argument("integer update of '" + t_.master.data.name + "': integer tensors expected");
  if (t_.master_out.bits != t_.master.bits || (t_.weights_out && t_.weights_out->bits > t_.master.bits))
    throw std::invalid_argument("integer update of '" + t_.master.data.name + "': widths of M, M' and W' disagree");
}

void IntParameterUpdateKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  stats_ = {};
  if (!env.exact()) return;
  ScalarRegs& r = *env.regs;
  const int e_m = static_cast<int>(r[t_.master.exp_reg]);
  lr_int_ = r[rates_.lr_reg];
  UpdateStepOperands o;
  o.dir_exp = WidenLane::finest(t_.direction, static_cast<int>(r[t_.direction.exp_reg]));
  o.dir_width = stored_width(t_.direction);
  o.master_exp = e_m;
  o.master_width = stored_width(t_.master);
  o.lr_frac = rates_.lr_frac_bits;
  o.wd_frac = rates_.decay_frac_bits;
  o.lr_int = lr_int_;
  o.decay_int = rates_.decay_int;
  step_plan_ = plan_update_step(o);
  to_master_ = e_m - step_plan_.exp;
  weight_drop_ = t_.weights_out ? t_.master.bits - t_.weights_out->bits : 0;
  r[t_.update.exp_reg] = e_m;
  r[t_.master_out.exp_reg] = e_m;
  if (t_.weights_out) r[t_.weights_out->exp_reg] = e_m + weight_drop_;
}

void IntParameterUpdateKernel::finish(KernelEnv& env) {
  if (!env.exact()) return;
  stats_.shift = to_master_;
  ref::QuantStats& path = env.events->paths[label().path];
  path.add(stats_);
  path.shift = stats_.shift;
}

void IntParameterUpdateKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto n = static_cast<std::uint64_t>(chunk.elements);
  const bool weights = t_.weights_out.has_value();
  const std::uint64_t decay = rates_.decay_int != 0 ? 1 : 0;
  tile.actions.add(Action::vec_int_mul, n * (1 + decay));
  tile.actions.add(Action::vec_shift_round, n * (weights ? 2 : 1));
  tile.actions.add(Action::vec_int_add, n * (1 + decay));
  tile.cycles = stream_cycles(chunk.elements, (weights ? 4 : 3) + 2 * static_cast<int>(decay), unit_lanes());
  if (rounding_ == ref::Rounding::stochastic) {
    tile.actions.add(Action::random_word, n);
    tile.cycles = std::max(tile.cycles, stream_cycles(chunk.elements, 1, config().random.lanes));
  }
}

void IntParameterUpdateKernel::compute(const Chunk& chunk, KernelEnv&) {
  const HwTensor& dir = operands()[0].tensor;
  const WidenLane lane(dir, 0, WidenLane::finest(dir, 0));  // onto the direction's finest grid
  const DType mt = t_.master.data.type, ut = t_.update.data.type, mot = t_.master_out.data.type;
  const bool stochastic = rounding_ == ref::Rounding::stochastic;
  stats_.elements += static_cast<std::uint64_t>(chunk.elements);
  for (std::int64_t i = 0; i < chunk.elements; ++i) {
    const std::int64_t master = load_element(chunk.data[1], mt, i);
    const __int128 step = update_multiply_add(lane(chunk.data[0], chunk.flags[0], i), master, lr_int_, rates_.decay_int, step_plan_);
    const std::uint32_t word = stochastic ? random_.word(static_cast<std::uint64_t>(chunk.flat_index(shape(), i))) : 0U;
    std::uint64_t sat = 0;
    const std::int64_t delta = ref::saturate(ref::round_shift_wide(step, to_master_, rounding_, word), t_.update.bits, &sat);
    const std::int64_t m = ref::saturate(master - delta, t_.master.bits, &sat);
    store_element(chunk.data[2], ut, i, delta);
    store_element(chunk.data[3], mot, i, m);
    if (t_.weights_out)
      store_element(chunk.data[4], t_.weights_out->data.type, i,
                    ref::saturate(ref::round_shift(m, weight_drop_, ref::Rounding::nearest), t_.weights_out->bits, &sat));
    stats_.saturated += sat > 0 ? 1 : 0;  // one count per element
  }
}

}  // namespace qtsim::hw
