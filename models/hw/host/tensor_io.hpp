#pragma once
// The host's side of the DRAM: writing inputs and parameters into tensor
// regions and reading results back (no simulated time passes). Only the host
// driver (sim/) and tests use these; units move data through the DMA.
#include <cstdint>
#include <vector>

#include "models/hw/core/tensor_region.hpp"
#include "models/hw/memory/dram.hpp"

namespace qtsim::hw {

void write_ints(Dram& dram, const TensorRegion& r, const std::vector<std::int64_t>& values);
std::vector<std::int64_t> read_ints(Dram& dram, const TensorRegion& r);
void write_floats(Dram& dram, const TensorRegion& r, const std::vector<float>& values);
std::vector<float> read_floats(Dram& dram, const TensorRegion& r);

// Element access for any integer type (the vector unit's load/store paths use these too).
std::int64_t load_element(const std::uint8_t* base, DType type, std::int64_t index);
void store_element(std::uint8_t* base, DType type, std::int64_t index, std::int64_t value);

}  // namespace qtsim::hw
