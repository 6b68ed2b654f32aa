#pragma once
// Internal helpers of the element-wise integer layers: reading a quantized
// tensor exactly at a common exponent without materialising the wide tensor,
// and parallel loops over elements (each output written by one thread, sums
// of exact integers combined in a fixed order, so results never depend on the
// thread count).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "../parallel.hpp"
#include "../alignment.hpp"
#include "../quantizer.hpp"

namespace qtsim::ref {

// Element i of t on the grid 2^exp: q[i] (a flagged element from its fine
// exponent) shifted left onto a finer grid, or floored onto a coarser one, as
// alignment does (docs/NUMERICS.md §1.1; the caller chose `exp` so that no
// left shift leaves the int64 range).
class Widened {
 public:
  Widened(const QTensor& t, int exp)
      : q_(t.q.data()), flag_(t.flagged() ? t.flag.data() : nullptr), shift_(t.exp - exp),
        fine_shift_(t.exp - t.flag_shift - exp) {}
  explicit Widened(const QTensor& t) : Widened(t, finest_exp(t)) {}

  std::int64_t operator[](std::size_t i) const {
    const int s = flag_ != nullptr && flag_[i] != 0 ? fine_shift_ : shift_;
    // |q| <= 2^31, so a left shift of at most 31 stays below 2^62.
    return small_left_shifts() ? std::int64_t{q_[i]} << s : shift_to_grid(q_[i], s);
  }

 private:
  bool small_left_shifts() const { return std::min(shift_, fine_shift_) >= 0 && std::max(shift_, fine_shift_) <= 31; }

  const std::int32_t* q_;
  const std::uint8_t* flag_;
  int shift_, fine_shift_;
};

// shift_to_grid(v, shift) for one shift applied to many values, without
// branches (so loops using it vectorize): a left shift onto a finer grid or an
// arithmetic (floor) shift onto a coarser one.
class GridShift {
 public:
  explicit GridShift(int shift) : left_(std::clamp(shift, 0, 62)), right_(std::clamp(-shift, 0, 63)) {}
  std::int64_t operator()(std::int64_t v) const {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(v >> right_) << left_);
  }

 private:
  int left_, right_;
};

constexpr std::int64_t kElementGrain = 16384;  // the smallest chunk of elements worth a thread

// fn(i) for i in [0, n), in parallel chunks.
template <typename Fn>
void for_each_element(std::int64_t n, Fn&& fn) {
  parallel_for(0, n, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) fn(i);
  }, kElementGrain);
}

// The sum over i in [0, n) of term(i) (int64), in parallel chunks added in order.
template <typename Fn>
std::int64_t sum_elements(std::int64_t n, Fn&& term) {
  const std::int64_t chunks = std::max<std::int64_t>(1, std::min<std::int64_t>(thread_count(), n / kElementGrain));
  std::vector<std::int64_t> partial(static_cast<std::size_t>(chunks), 0);
  parallel_for(0, chunks, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c) {
      std::int64_t s = 0;
      for (std::int64_t i = n * c / chunks; i < n * (c + 1) / chunks; ++i) s += term(i);
      partial[static_cast<std::size_t>(c)] = s;
    }
  });
  std::int64_t total = 0;
  for (std::int64_t s : partial) total += s;
  return total;
}

}  // namespace qtsim::ref
