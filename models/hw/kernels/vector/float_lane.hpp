#pragma once
// How the vector lanes read and write float32 elements of a chunk in SRAM (by
// their bits; integer elements go through tensor_io's load/store_element and
// the alignment shifter, widen_lane.hpp).
#include <cstdint>
#include <cstring>

namespace qtsim::hw {

inline float load_f32(const std::uint8_t* data, std::int64_t i) {
  float v;
  std::memcpy(&v, data + 4 * i, 4);
  return v;
}

inline void store_f32(std::uint8_t* data, std::int64_t i, float v) { std::memcpy(data + 4 * i, &v, 4); }

}  // namespace qtsim::hw
