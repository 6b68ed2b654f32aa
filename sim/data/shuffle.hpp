#pragma once
// The one shuffle every data-order decision uses, so it is written once:
// Fisher–Yates from the end,
//   for i = n-1 down to 1:  j = rand32(seed, stream, index_base + i) % (i + 1);  swap(v[i], v[j])
// with index_base + i and i + 1 computed in uint32. The modulo bias (at most
// n / 2^32) is accepted: it is negligible and keeps the rule one line long.
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "models/ref/random_bits.hpp"

namespace qtsim::data {

template <typename T>
void fisher_yates_shuffle(std::vector<T>& v, std::uint32_t seed, std::uint32_t stream, std::uint32_t index_base = 0) {
  if (v.size() > std::size_t{0xFFFFFFFFU}) throw std::length_error("fisher_yates_shuffle: more than 2^32 - 1 elements");
  for (std::size_t i = v.size(); i-- > 1;) {
    const auto i32 = static_cast<std::uint32_t>(i);
    const std::uint32_t j = ref::rand32(seed, stream, index_base + i32) % (i32 + 1U);
    std::swap(v[i], v[j]);
  }
}

}  // namespace qtsim::data
