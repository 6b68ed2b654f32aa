#include "stream_kernel.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "models/hw/mapping/fold_model.hpp"
#include "models/hw/memory/sram_buffer.hpp"

namespace qtsim::hw {

namespace {

constexpr std::uint64_t kAlign = 64;
std::uint64_t aligned(std::uint64_t v) { return (v + kAlign - 1) / kAlign * kAlign; }
bool by_channel(Chunking c) { return c == Chunking::rows_by_channel || c == Chunking::planes_by_channel; }
bool whole_planes(Chunking c) { return c == Chunking::planes_by_image || c == Chunking::planes_by_channel; }

}  // namespace

StreamKernel::StreamKernel(KernelLabel label, const Dims4& shape, Chunking chunking, std::vector<StreamOperand> operands,
                           const HwConfig& config)
    : Kernel(std::move(label)), shape_(shape), chunking_(chunking), config_(config) {
  if (chunking_ == Chunking::flat) shape_ = {1, 1, 1, shape.numel()};
  append_operands(std::move(operands));
}

void StreamKernel::append_operands(std::vector<StreamOperand> more) {
  for (StreamOperand& op : more) {
    if (op.role == OperandRole::same) {
      if (op.tensor.data.dims.numel() != shape_.numel())
        throw std::logic_error("stream kernel '" + label().op + "': operand '" + op.tensor.data.name +
                               "' does not have the iteration shape " + shape_.str());
      if (chunking_ == Chunking::flat) {  // flat runs move through flat views of the tensors
        op.tensor.data = op.tensor.data.flat();
        if (op.with_flags) op.tensor.flags = op.tensor.flags.flat();
      }
    }
    operands_.push_back(std::move(op));
  }
  data_offset_.clear();
  flags_offset_.clear();
  plan();
}

std::int64_t StreamKernel::Chunk::flat_index(const Dims4& s, std::int64_t i) const {
  const std::int64_t w = i % box.nw, h = (i / box.nw) % box.nh, c = (i / (box.nw * box.nh)) % box.nc,
                     n = i / (box.nw * box.nh * box.nc);
  return ((box.n0 + n) * s.c + box.c0 + c) * s.h * s.w + (box.h0 + h) * s.w + box.w0 + w;
}

Box StreamKernel::operand_box(const StreamOperand& op, const Box& chunk) const {
  const Dims4& d = op.tensor.data.dims;
  switch (op.role) {
    case OperandRole::same:
      if (chunking_ == Chunking::flat) return Box::flat(chunk.w0, chunk.nw);
      return chunk;
    case OperandRole::planes: return {chunk.n0, chunk.nn, chunk.c0, chunk.nc, 0, d.h, 0, d.w};
    case OperandRole::channel: return {0, 1, chunk.c0, chunk.nc, 0, 1, 0, 1};
    case OperandRole::whole: return Box::whole(d);
  }
  return chunk;
}

std::uint64_t StreamKernel::bytes_for(const Box& chunk) const {
  std::uint64_t total = 0;
  for (const StreamOperand& op : operands_) {
    const std::uint64_t n = static_cast<std::uint64_t>(operand_box(op, chunk).numel());
    total += aligned(n * dtype_bytes(op.tensor.data.type));
    if (op.with_flags) total += aligned(n);
  }
  return total;
}

void StreamKernel::plan() {
  const std::uint64_t slot = config_.vector.usable_bytes();
  const Dims4& s = shape_;
  Box e{0, 1, 0, 1, 0, 1, 0, s.w};  // extents as a box at the origin
  if (chunking_ == Chunking::flat) e.nw = std::min<std::int64_t>(s.w, 64);
  if (whole_planes(chunking_)) e.nh = s.h;
  if (bytes_for(e) > slot)
    throw std::runtime_error("the vector buffer (" + std::to_string(slot) + " bytes per slot) is too small for " +
                             label().op + " of " + label().layer + ": one " +
                             (chunking_ == Chunking::flat ? "run" : whole_planes(chunking_) ? "plane" : "row") +
                             " of its operands needs " + std::to_string(bytes_for(e)) + " bytes");
  // Grows one extent to the largest value that fits; true if it reached `full`.
  auto grow = [&](std::int64_t Box::*field, std::int64_t full) {
    std::int64_t lo = e.*field, hi = full;
    while (lo < hi) {
      const std::int64_t mid = (lo + hi + 1) / 2;
      Box t = e;
      t.*field = mid;
      if (bytes_for(t) <= slot) lo = mid; else hi = mid - 1;
    }
    e.*field = lo;
    return lo == full;
  };
  if (chunking_ == Chunking::flat) {
    grow(&Box::nw, s.w);
    const auto align = static_cast<std::int64_t>(kAlign);
    if (e.nw < s.w && e.nw > align) e.nw = e.nw / align * align;
  } else if (grow(&Box::nh, s.h)) {
    if (by_channel(chunking_)) {
      if (grow(&Box::nn, s.n)) grow(&Box::nc, s.c);
    } else {
      if (grow(&Box::nc, s.c)) grow(&Box::nn, s.n);
    }
  }
  extent_ = {e.nn, e.nc, e.nh, e.nw};
  // Every chunk uses the same layout (the full extents'), so an input left in a
  // slot by an earlier chunk is found where the next chunk expects it.
  std::uint64_t offset = 0;
  for (const StreamOperand& op : operands_) {
    const std::uint64_t n = static_cast<std::uint64_t>(operand_box(op, e).numel());
    data_offset_.push_back(offset);
    offset += aligned(n * dtype_bytes(op.tensor.data.type));
    flags_offset_.push_back(offset);
    if (op.with_flags) offset += aligned(n);
  }
  count_ = ceil_div(s.n, e.nn) * ceil_div(s.c, e.nc) * ceil_div(s.h, e.nh) * ceil_div(s.w, e.nw);
}

Box StreamKernel::chunk_box(std::int64_t idx) const {
  const Dims4& s = shape_;
  const std::int64_t cn = ceil_div(s.n, extent_.n), cc = ceil_div(s.c, extent_.c), ch = ceil_div(s.h, extent_.h),
                     cw = ceil_div(s.w, extent_.w);
  std::int64_t n, c, h, w = idx % cw;
  idx /= cw;
  h = idx % ch;
  idx /= ch;
  if (by_channel(chunking_)) {
    n = idx % cn;
    c = idx / cn;
  } else {
    c = idx % cc;
    n = idx / cc;
  }
  Box b;
  b.n0 = n * extent_.n, b.nn = std::min(extent_.n, s.n - b.n0);
  b.c0 = c * extent_.c, b.nc = std::min(extent_.c, s.c - b.c0);
  b.h0 = h * extent_.h, b.nh = std::min(extent_.h, s.h - b.h0);
  b.w0 = w * extent_.w, b.nw = std::min(extent_.w, s.w - b.w0);
  return b;
}

void StreamKernel::accesses(std::vector<TensorAccess>& out) const {
  for (const StreamOperand& op : operands_) {
    HwTensor t = op.tensor;
    t.flagged = t.flagged && op.with_flags;
    add_access(out, t, op.output);
  }
}

void StreamKernel::start(KernelEnv&) {
  next_ = 0;
  for (auto& r : resident_) r.assign(operands_.size(), std::nullopt);
}

std::uint64_t StreamKernel::stream_cycles(std::int64_t elements, int ops_per_element, int lanes) const {
  const std::uint64_t work = static_cast<std::uint64_t>(elements) * static_cast<std::uint64_t>(ops_per_element);
  return (work + static_cast<std::uint64_t>(lanes) - 1) / static_cast<std::uint64_t>(lanes) +
         static_cast<std::uint64_t>(config_.vector_unit.pipeline_latency);
}

bool StreamKernel::next(Tile& tile, KernelEnv& env) {
  if (next_ >= count_) return false;
  SramBuffer& buf = *env.buffers.vector;
  Chunk ch;
  ch.index = next_++;
  ch.box = chunk_box(ch.index);
  ch.elements = ch.box.numel();
  ch.first = ch.index == 0;
  ch.last = next_ == count_;
  const int slot = static_cast<int>(ch.index & 1);
  const std::uint64_t base = buf.slot_base(slot);
  for (std::size_t i = 0; i < operands_.size(); ++i) {
    const StreamOperand& op = operands_[i];
    const Box b = operand_box(op, ch.box);
    const std::uint64_t n = static_cast<std::uint64_t>(b.numel()), bytes = n * dtype_bytes(op.tensor.data.type);
    ch.boxes.push_back(b);
    const std::uint64_t data_at = base + data_offset_[i], flags_at = base + flags_offset_[i];
    if (op.output && op.last_only && !ch.last) {
      ch.data.push_back(nullptr);
      ch.flags.push_back(nullptr);
      continue;
    }
    if (op.output) {
      tile.stores.push_back({DmaTransfer::Direction::to_dram, op.tensor.data, b, &buf, data_at});
      if (op.with_flags) tile.stores.push_back({DmaTransfer::Direction::to_dram, op.tensor.flags, b, &buf, flags_at});
      buf.count_write(bytes + (op.with_flags ? n : 0), tile.actions);
    } else {
      auto& resident = resident_[slot][i];
      if (!resident || std::memcmp(&*resident, &b, sizeof(Box)) != 0) {
        tile.loads.push_back({DmaTransfer::Direction::to_sram, op.tensor.data, b, &buf, data_at});
        if (op.with_flags) tile.loads.push_back({DmaTransfer::Direction::to_sram, op.tensor.flags, b, &buf, flags_at});
        resident = b;
      }
      buf.count_read(bytes + (op.with_flags ? n : 0), tile.actions);
    }
    if (env.exact()) {
      ch.data.push_back(buf.at(data_at, bytes));
      ch.flags.push_back(op.with_flags ? buf.at(flags_at, n) : nullptr);
    }
  }
  // Outputs written by this chunk must not clobber inputs resident in this slot's
  // bytes: the layout above gives every operand its own range, so they never do.
  tile.reads.push_back({&buf, slot});
  tile.out_slot = slot;
  cost(ch, tile);
  if (env.exact()) tile.compute = [this, ch, &env] { compute(ch, env); };
  return true;
}

}  // namespace qtsim::hw
