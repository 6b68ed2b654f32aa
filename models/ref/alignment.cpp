#include "alignment.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "parallel.hpp"

namespace qtsim::ref {

int alignment_grid(std::span<const AlignOperand> operands) {
  if (operands.empty()) throw std::logic_error("alignment_grid: no operands");
  // ceil(log2 N) bits of headroom for the N-operand sum.
  const int headroom = std::bit_width(operands.size() - 1);
  int finest = operands[0].exp, top = operands[0].exp + operands[0].width;
  for (const AlignOperand& o : operands) {
    finest = std::min(finest, o.exp);
    top = std::max(top, o.exp + o.width);
  }
  return std::max(finest, top - (63 - headroom));
}

int alignment_grid(std::initializer_list<AlignOperand> operands) {
  return alignment_grid(std::span<const AlignOperand>(operands.begin(), operands.size()));
}

int width_of(const QTensor& t) { return t.bits - 1 + (t.flagged() ? t.flag_shift : 0); }

int measured_width(const WideTensor& t) {
  std::uint64_t m = 0;
  for (std::int64_t v : t.v) m = std::max(m, v < 0 ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v));
  return std::bit_width(m);
}

WideTensor aligned_sum(std::span<const WideSummand> summands) {
  if (summands.empty()) throw std::logic_error("aligned_sum: no summands");
  std::vector<AlignOperand> grid_of;
  for (const WideSummand& s : summands) {
    if (!(s.tensor->shape == summands[0].tensor->shape)) throw std::invalid_argument("aligned_sum: shapes differ");
    grid_of.push_back({s.tensor->exp, s.width});
  }
  WideTensor y(summands[0].tensor->shape, alignment_grid(grid_of));
  for (const WideSummand& s : summands) {
    const int shift = s.tensor->exp - y.exp;
    const std::int64_t* v = s.tensor->v.data();
    parallel_for(0, static_cast<std::int64_t>(y.size()), [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) y.v[static_cast<std::size_t>(i)] += shift_to_grid(v[i], shift);
    }, 16384);
  }
  return y;
}

}  // namespace qtsim::ref
