#pragma once
// Helpers shared by conv_float.cpp and conv_int.cpp (internal): argument checks,
// per-thread scratch memory and image groups for the GEMM-lowered paths.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../parallel.hpp"
#include "im2col.hpp"

namespace qtsim::ref::conv_detail {

using i64 = std::int64_t;
using u128 = unsigned __int128;

inline void check_dy_shape(const Shape& dy, const ConvGeometry& g, const char* op) {
  if (dy != g.output_shape())
    throw std::invalid_argument(std::string(op) + ": dy is " + dy.str() + ", the conv output is " +
                                g.output_shape().str());
}

template <typename Tensor>
void check_size(const Tensor& t, const Shape& shape, const char* op) {
  if (static_cast<i64>(t.size()) != shape.numel())
    throw std::invalid_argument(std::string(op) + ": tensor data does not match its shape " + shape.str());
}

// Per-thread memory kept between calls: the lowered matrices are large, and
// allocating them afresh would page-fault on every call. One buffer per slot.
enum class Slot { lowered, operand, result };

template <typename T, Slot slot>
T* scratch(i64 elements) {
  static thread_local std::vector<T> buffer;
  if (static_cast<i64>(buffer.size()) < elements) buffer.resize(static_cast<std::size_t>(elements));
  return buffer.data();
}

// ---- image groups ----
// Each GEMM sees a group of images (about `pixels` output pixels). With enough
// groups, whole groups go to threads: one synchronisation per call, all inner
// loops inline. Otherwise groups run in order with parallel inner loops.

struct ImageGroups {
  i64 batch, size, count;
  i64 begin(i64 i) const { return i * size; }
  i64 end(i64 i) const { return std::min(batch, (i + 1) * size); }
  bool spread_over_threads() const { return count >= 2 * i64{thread_count()}; }
};

inline ImageGroups image_groups(const ConvGeometry& g, i64 pixels = 1024) {
  const i64 by_pixels = pixels / g.out_pixels();
  const i64 by_threads = (g.batch + 4 * thread_count() - 1) / (4 * thread_count());  // ~4 groups per thread
  const i64 size = std::clamp<i64>(std::min(by_pixels, by_threads), 1, std::max<i64>(1, g.batch));
  return {g.batch, size, (g.batch + size - 1) / size};
}

// fn(n0, n1) for every group, in parallel over groups when there are enough.
inline void for_each_group(const ImageGroups& groups, const std::function<void(i64, i64)>& fn) {
  const auto run = [&](i64 first, i64 last) {
    for (i64 i = first; i < last; ++i) fn(groups.begin(i), groups.end(i));
  };
  if (groups.spread_over_threads())
    parallel_for(0, groups.count, run);
  else
    run(0, groups.count);
}

}  // namespace qtsim::ref::conv_detail
