#include "gemm_kernel.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <stdexcept>

#include "models/hw/kernels/gemm/mac_arithmetic.hpp"
#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/gemm/operand_feeders.hpp"
#include "models/hw/memory/sram_buffer.hpp"

namespace qtsim::hw {

namespace {

std::uint64_t align8(std::uint64_t v) { return (v + 7) / 8 * 8; }

GemmElementBytes element_bytes(const GemmOperands& ops) {
  GemmElementBytes e;
  e.a = dtype_bytes(ops.a.data.type);
  e.a_flagged = ops.a.flagged;
  e.b = dtype_bytes(ops.b.data.type);
  e.out = dtype_bytes(ops.out.data.type);
  return e;
}

// Scratch matrices of the tile being computed, kept between tiles (and kernels)
// so that each tile does not allocate and fault in fresh pages.
struct Scratch {
  std::vector<std::int32_t> a, b;
  std::vector<float> fa, fb;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

GemmKernel::GemmKernel(KernelLabel label, ConvPass pass, const ConvShape& shape, GemmOperands operands,
                       const HwConfig& config)
    : Kernel(std::move(label)), pass_(pass), ops_(std::move(operands)), config_(config), geometry_(pass, shape),
      mapped_(map_gemm(geometry_, element_bytes(ops_), MapperTarget::of(config))) {
  integer_ = !ops_.out.is_float();
  if (integer_ && config.array.datapath != ArrayDatapath::int8)
    throw std::invalid_argument("an integer GEMM needs an int8 MAC array; this one is " + to_string(config.array.datapath));
  if (!integer_ && config.array.datapath != ArrayDatapath::fp32)
    throw std::invalid_argument("an FP32 GEMM needs an fp32 MAC array; this one is " + to_string(config.array.datapath));
  if (ops_.a.flagged && !config.array.flag_operands)
    throw std::invalid_argument("the scheme's errors are flag-quantized but the MAC array has flag_operands: false");
}

std::uint64_t GemmKernel::a_bytes() const { return dtype_bytes(ops_.a.data.type); }

std::uint64_t GemmKernel::group_outputs() const {
  const GemmDims& d = geometry_.dims();
  return static_cast<std::uint64_t>(d.m * d.n);
}

std::vector<StridedBox> GemmKernel::whole_output_boxes() const {
  const GemmDims& d = geometry_.dims();
  std::vector<StridedBox> all;
  for (std::int64_t g = 0; g < geometry_.groups(); ++g)
    for (StridedBox sb : geometry_.out_boxes({0, d.m}, {0, d.n}, 0, 0, d.n, g)) {
      sb.base += g * d.m * d.n;
      all.push_back(sb);
    }
  return all;
}

void GemmKernel::accesses(std::vector<TensorAccess>& out) const {
  add_access(out, ops_.a, false);
  add_access(out, ops_.b, false);
  add_access(out, requantize_ ? requantize_->out : ops_.out, true);
}

bool GemmKernel::requantize_on_chip(const QuantizeTarget& target) {
  if (!integer_ || requantize_) return false;
  const std::uint64_t outputs = this->outputs();
  const std::uint64_t quantized = align8(outputs * dtype_bytes(target.out.data.type)) + (target.out.flagged ? align8(outputs) : 0);
  const std::uint64_t capacity = config_.ofmap.capacity_bytes;
  const auto refuse = [&](const std::string& why) {
    output_note_ = "to DRAM: " + why;
    return false;
  };
  if (outputs * 4 + quantized > capacity)
    return refuse(std::to_string(outputs * 4) + " bytes of int32 results and " + std::to_string(quantized) +
                  " of quantized ones exceed the " + std::to_string(capacity) + "-byte ofmap buffer");
  MapperTarget t = MapperTarget::of(config_);
  t.ofmap_slot = capacity - quantized - (outputs - group_outputs()) * 4;  // the other groups' results stay too
  t.single_output_block = true;
  try {
    mapped_ = map_gemm(geometry_, element_bytes(ops_), t);
  } catch (const std::runtime_error&) {
    return refuse("no mapping keeps the whole output in the ofmap buffer with the operands fitting theirs");
  }
  requantize_ = target;
  output_note_ = "on chip: requantized by the output stage";
  return true;
}

void GemmKernel::start(KernelEnv& env) {
  next_tile_ = 0;
  output_stage_done_ = false;
  max_abs_ = 0;
  a_ = {};
  b_ = {};
  traffic_ = {};
  if (env.exact() && integer_) {
    ScalarRegs& r = *env.regs;
    const std::int64_t e_a = r[ops_.a.exp_reg] - (ops_.a.flagged ? ops_.a.flag_shift : 0);
    r[ops_.out.exp_reg] = e_a + r[ops_.b.exp_reg];
  }
}

void GemmKernel::finish(KernelEnv& env) {
  if (env.exact() && integer_ && ops_.max_reg >= 0) (*env.regs)[ops_.max_reg] = static_cast<std::int64_t>(max_abs_);
}

// Loads an operand tile into the other slot of its buffer unless the tile is
// the one already resident; the tile reads the operand's slot either way.
void GemmKernel::stage(Resident& r, std::int64_t group, std::int64_t first, std::int64_t second,
                       const std::function<BoxSet()>& boxes_of, const HwTensor& t, SramBuffer& buf, Tile& tile) const {
  if (!r.valid || r.group != group || r.first != first || r.second != second) {
    r.slot = r.valid && buf.slots() > 1 ? 1 - r.slot : 0;
    r.valid = true;
    r.group = group;
    r.first = first;
    r.second = second;
    r.boxes = boxes_of();
    const BoxSet& boxes = r.boxes;
    const std::uint64_t e = dtype_bytes(t.data.type);
    const std::uint64_t data_bytes = static_cast<std::uint64_t>(boxes.numel()) * e;
    std::uint64_t at = buf.slot_base(r.slot), flags_at = at + align8(data_bytes);
    for (const Box& b : boxes.boxes) {
      tile.loads.push_back({DmaTransfer::Direction::to_sram, t.data, b, &buf, at});
      at += static_cast<std::uint64_t>(b.numel()) * e;
      if (t.flagged) {
        tile.loads.push_back({DmaTransfer::Direction::to_sram, t.flags, b, &buf, flags_at});
        flags_at += static_cast<std::uint64_t>(b.numel());
      }
    }
  }
  tile.reads.push_back({&buf, r.slot});
}

bool GemmKernel::next(Tile& tile, KernelEnv& env) {
  const GemmMapping& mp = mapped_.mapping;
  if (next_tile_ >= mp.tiles() * geometry_.groups()) return output_stage_tile(tile, env);
  // Groups one after another, each through the whole loop nest.
  const std::int64_t group = next_tile_ / mp.tiles();
  TilePlace place = mp.place(next_tile_++ % mp.tiles());
  place.tile.group = group;
  SramBuffer& ifmap = *env.buffers.ifmap;
  SramBuffer& filter = *env.buffers.filter;
  SramBuffer& ofmap = *env.buffers.ofmap;
  const auto im = place.index[static_cast<std::size_t>(GemmLoop::m)], in = place.index[static_cast<std::size_t>(GemmLoop::n)],
             ik = place.index[static_cast<std::size_t>(GemmLoop::k)];
  const std::size_t loads_before = tile.loads.size();
  stage(a_, group, im, ik, [&] { return geometry_.a_boxes(place.tile); }, ops_.a, ifmap, tile);
  const std::size_t a_loads = tile.loads.size() - loads_before;
  stage(b_, group, ik, in, [&] { return geometry_.b_boxes(place.tile); }, ops_.b, filter, tile);
  for (std::size_t i = loads_before; i < tile.loads.size(); ++i)
    (i - loads_before < a_loads ? traffic_.a_bytes : traffic_.b_bytes) += tile.loads[i].bytes();
  traffic_.a_loads += a_loads > 0 ? 1 : 0;
  traffic_.b_loads += tile.loads.size() - loads_before > a_loads ? 1 : 0;
  const std::int64_t block = group * mp.blocks() + place.block;
  const int out_slot = ofmap.slots() > 1 && !requantize_ ? static_cast<int>(block & 1) : 0;
  const std::uint64_t out_e = dtype_bytes(ops_.out.data.type);
  if (place.block_last && !requantize_)
    for (const StridedBox& sb : geometry_.out_boxes(place.block_m, place.block_n, place.block_m.lo, place.block_n.lo,
                                                     place.block_n.size(), group)) {
      DmaTransfer d{DmaTransfer::Direction::to_dram, ops_.out.data, sb.box, &ofmap,
                    ofmap.slot_base(out_slot) + static_cast<std::uint64_t>(sb.base) * out_e};
      d.strided = true;
      d.sram_stride = sb.stride;
      traffic_.out_bytes += d.bytes();
      tile.stores.push_back(d);
    }
  tile.out_slot = out_slot;
  // On-chip results of every group share the buffer and stay until the output stage has run.
  tile.out_begin = place.block_first && (!requantize_ || group == 0);
  tile.out_end = place.block_last && !requantize_;

  // Timing and actions of the tile's folds in the array's dataflow.
  const MacArraySpec& arr = config_.array;
  tile.cycles = static_cast<std::uint64_t>(place.cycles);
  const auto m = static_cast<std::uint64_t>(place.tile.m.size()), n = static_cast<std::uint64_t>(place.tile.n.size()),
             k = static_cast<std::uint64_t>(place.tile.k.size());
  const std::uint64_t macs = m * n * k;
  tile.actions.add(integer_ ? Action::mac_int8 : Action::mac_fp32, macs);
  if (ops_.a.flagged) tile.actions.add(Action::mac_int8_flagged, macs);
  tile.actions.add(Action::pe_cycles, tile.cycles * static_cast<std::uint64_t>(arr.rows * arr.cols));
  const auto R = static_cast<std::uint64_t>(arr.rows), C = static_cast<std::uint64_t>(arr.cols);
  auto folds_of = [](std::uint64_t v, std::uint64_t side) { return (v + side - 1) / side; };
  std::uint64_t a_reads = 0, b_reads = 0, out_writes = 0, psum_reads = 0;
  switch (arr.dataflow) {
    case Dataflow::os:
      a_reads = m * k * folds_of(n, C);
      b_reads = k * n * folds_of(m, R);
      // Partial sums of an earlier chunk come back from the buffer unless the fold went on in the array.
      if (mp.continues_folds()) {  // the partial sums stay in the array's accumulators
        out_writes = place.last_k ? m * n : 0;
      } else {  // each tile's folds drain their partial sums; later chunks read them back
        out_writes = m * n;
        psum_reads = place.first_k ? 0 : m * n;
      }
      break;
    case Dataflow::ws:
    case Dataflow::is: {
      const std::uint64_t red_folds = folds_of(k, R);
      if (arr.dataflow == Dataflow::ws) {
        b_reads = k * n;
        a_reads = m * k * folds_of(n, C);
      } else {
        a_reads = m * k;
        b_reads = k * n * folds_of(m, C);
      }
      out_writes = m * n * red_folds;
      psum_reads = m * n * (red_folds - 1 + (place.first_k ? 0 : 1));
      break;
    }
  }
  ifmap.count_read(a_reads * (a_bytes() + (ops_.a.flagged ? 1 : 0)), tile.actions);
  filter.count_read(b_reads * dtype_bytes(ops_.b.data.type), tile.actions);
  ofmap.count_write(out_writes * out_e, tile.actions);
  ofmap.count_read(psum_reads * out_e, tile.actions);
  tile.actions.add(Action::psum_read, psum_reads);
  if (place.last_k && integer_) tile.actions.add(Action::max_track, m * n);

  if (env.exact()) {
    // The loader runs ahead: the operands this tile reads are captured now.
    tile.compute = [this, place, a = a_, b = b_, out_slot, &env] { compute(place, a, b, out_slot, env); };
  }
  return true;
}

// After the last tile: the output stage reads the int32 block from the ofmap
// buffer, requantizes it with the shift its maximum calls for and stores the
// quantized tensor (in the block's layout, written back with the same strides).
bool GemmKernel::output_stage_tile(Tile& tile, KernelEnv& env) {
  if (!requantize_ || output_stage_done_) return false;
  output_stage_done_ = true;
  SramBuffer& ofmap = *env.buffers.ofmap;
  const std::uint64_t outputs = this->outputs();
  const HwTensor& q = requantize_->out;
  const std::uint64_t q_e = dtype_bytes(q.data.type);
  const std::uint64_t q_base = ofmap.spec().capacity_bytes - align8(outputs * q_e) - (q.flagged ? align8(outputs) : 0);
  const std::uint64_t flags_base = q_base + align8(outputs * q_e);
  for (const StridedBox& sb : whole_output_boxes()) {
    const auto at = static_cast<std::uint64_t>(sb.base);
    DmaTransfer t{DmaTransfer::Direction::to_dram, q.data, sb.box, &ofmap, q_base + at * q_e};
    t.strided = true;
    t.sram_stride = sb.stride;
    tile.stores.push_back(t);
    if (q.flagged) {
      DmaTransfer f{DmaTransfer::Direction::to_dram, q.flags, sb.box, &ofmap, flags_base + at};
      f.strided = true;
      f.sram_stride = sb.stride;
      tile.stores.push_back(f);
    }
  }
  tile.out_slot = 0;
  tile.out_begin = false;
  tile.out_end = true;
  // One result per output lane (one per array column) and cycle; stochastic rounding at the random unit's rate.
  const auto lanes = static_cast<std::uint64_t>(config_.array.cols);
  std::uint64_t cycles = (outputs + lanes - 1) / lanes + static_cast<std::uint64_t>(config_.vector_unit.pipeline_latency);
  tile.actions.add(Action::vec_shift_round, outputs);
  if (requantize_->spec.rounding == ref::Rounding::stochastic) {
    tile.actions.add(Action::random_word, outputs);
    const auto rl = static_cast<std::uint64_t>(std::max(1, config_.random.lanes));
    cycles = std::max(cycles, (outputs + rl - 1) / rl + static_cast<std::uint64_t>(config_.vector_unit.pipeline_latency));
  }
  tile.cycles = cycles;
  output_stage_cycles_ = cycles;
  ofmap.count_read(outputs * 4, tile.actions);
  ofmap.count_write(outputs * q_e + (q.flagged ? outputs : 0), tile.actions);
  traffic_.out_bytes = outputs * q_e + (q.flagged ? outputs : 0);
  if (env.exact()) tile.compute = [this, &env] { output_stage_compute(env); };
  return true;
}

void GemmKernel::output_stage_compute(KernelEnv& env) {
  SramBuffer& ofmap = *env.buffers.ofmap;
  const std::uint64_t outputs = this->outputs();
  const QuantizeTarget& target = *requantize_;
  const HwTensor& q = target.out;
  const DType qt = q.data.type;
  const std::uint64_t q_e = dtype_bytes(qt);
  const std::uint64_t q_base = ofmap.spec().capacity_bytes - align8(outputs * q_e) - (q.flagged ? align8(outputs) : 0);
  const std::uint8_t* acc = ofmap.at(0, outputs * 4);
  std::uint8_t* qdata = ofmap.at(q_base, outputs * q_e);
  std::uint8_t* qflags = q.flagged ? ofmap.at(q_base + align8(outputs * q_e), outputs) : nullptr;
  ScalarRegs& regs = *env.regs;
  const RequantPlan plan = plan_requant(target.spec, max_abs_, static_cast<int>(regs[ops_.out.exp_reg]));
  regs[q.exp_reg] = plan.out_exp;
  if (target.max_reg >= 0) regs[target.max_reg] = static_cast<std::int64_t>(max_abs_);
  const bool stochastic = target.spec.rounding == ref::Rounding::stochastic;
  const Dims4& y = q.data.dims;
  ref::QuantStats stats;
  stats.elements = outputs;
  // Block matrix element (m, j) of group g sits at (g * M + m) * N + j; the random word follows the tensor's flat (NCHW) index.
  for (const StridedBox& sb : whole_output_boxes()) {
    const Box& b = sb.box;
    for (std::int64_t a0 = 0; a0 < b.nn; ++a0)
      for (std::int64_t a1 = 0; a1 < b.nc; ++a1)
        for (std::int64_t a2 = 0; a2 < b.nh; ++a2)
          for (std::int64_t a3 = 0; a3 < b.nw; ++a3) {
            const std::int64_t at = sb.base + a0 * sb.stride[0] + a1 * sb.stride[1] + a2 * sb.stride[2] + a3 * sb.stride[3];
            std::int32_t v;
            std::memcpy(&v, acc + 4 * at, 4);
            const std::int64_t flat = (((b.n0 + a0) * y.c + b.c0 + a1) * y.h + b.h0 + a2) * y.w + b.w0 + a3;
            const std::uint32_t word = stochastic ? target.random.word(static_cast<std::uint64_t>(flat)) : 0U;
            bool flag = false;
            std::uint64_t sat = 0;
            const std::int64_t r = requant_element(v, plan, word, &flag, &sat);
            if (plan.kind == ref::QuantizerKind::constant) stats.clipped += sat; else stats.saturated += sat;
            store_element(qdata, qt, at, r);
            if (qflags) qflags[at] = flag ? 1 : 0;
          }
  }
  record_quantization(*env.events, label().path, stats, plan);
}

void GemmKernel::compute(const TilePlace& place, const Resident& ra, const Resident& rb, int out_slot, KernelEnv& env) {
  SramBuffer& ifmap = *env.buffers.ifmap;
  SramBuffer& filter = *env.buffers.filter;
  SramBuffer& ofmap = *env.buffers.ofmap;
  const GemmTile& t = place.tile;
  const std::uint64_t a_data_bytes = static_cast<std::uint64_t>(ra.boxes.numel()) * a_bytes();
  OperandInSram a{ifmap.at(ifmap.slot_base(ra.slot), a_data_bytes), nullptr, ops_.a.data.type, ops_.a.flag_shift, &ra.boxes};
  if (ops_.a.flagged)
    a.flags = ifmap.at(ifmap.slot_base(ra.slot) + align8(a_data_bytes), static_cast<std::uint64_t>(ra.boxes.numel()));
  const std::uint64_t b_bytes = static_cast<std::uint64_t>(rb.boxes.numel()) * dtype_bytes(ops_.b.data.type);
  const OperandInSram b{filter.at(filter.slot_base(rb.slot), b_bytes), nullptr, ops_.b.data.type, 0, &rb.boxes};
  const std::int64_t cols = place.block_n.size();
  const std::uint64_t block_bytes = static_cast<std::uint64_t>(place.block_m.size() * cols) * 4;
  // On chip, group g's results follow the earlier groups'.
  const std::uint64_t group_base = requantize_ ? static_cast<std::uint64_t>(t.group) * group_outputs() * 4 : 0;
  std::uint8_t* block = ofmap.at(ofmap.slot_base(out_slot) + group_base, block_bytes);
  const PartialSums psums{block + 4 * ((t.m.lo - place.block_m.lo) * cols + (t.n.lo - place.block_n.lo)), cols};
  const std::int64_t M = t.m.size(), N = t.n.size(), K = t.k.size();

  if (!integer_) {
    Scratch& sc = scratch();
    feed_a(geometry_, t, a, sc.fa);
    feed_b(geometry_, t, b, sc.fb);
    float_mac(sc.fa, sc.fb, M, N, K, psums, place.first_k);
    return;
  }
  Scratch& sc = scratch();
  feed_a(geometry_, t, a, sc.a);
  feed_b(geometry_, t, b, sc.b);
  if (place.block_first) out_psum_max_[out_slot] = 0;
  const IntMacOutcome r = int_mac(sc.a, sc.b, M, N, K, psums, place.first_k, out_psum_max_[out_slot],
                                  {config_.array.accumulator_bits, config_.array.accumulator_saturates});
  out_psum_max_[out_slot] = std::max(out_psum_max_[out_slot], r.max_abs);
  if (place.last_k) max_abs_ = std::max(max_abs_, r.max_abs);
  env.events->accumulator_saturations += r.saturations;
}

}  // namespace qtsim::hw
