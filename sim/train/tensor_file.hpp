#pragma once
// The on-disk tensor format shared by dumps and checkpoints (docs/DUMPS.md):
// raw little-endian arrays concatenated in one .bin file, described by JSON
// entries {name, dtype, shape, offset, count, exponent, bits, flags?, stats?}.
// numpy reads an entry with np.fromfile(bin, dtype, count, offset=offset).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/ref/quantizer.hpp"
#include "models/ref/tensor.hpp"

namespace qtsim::train {

class TensorFileBuilder {
 public:
  void add(const std::string& name, const ref::QTensor& t, const ref::QuantStats* stats = nullptr);
  void add(const std::string& name, const ref::FTensor& t);
  // Raw int64 values at one exponent (running statistics of int-bn).
  void add(const std::string& name, const std::vector<std::int64_t>& v, int exponent);

  const std::string& bytes() const { return bytes_; }
  const nlohmann::ordered_json& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

 private:
  std::size_t append(const void* data, std::size_t size);
  std::string bytes_;
  nlohmann::ordered_json entries_ = nlohmann::ordered_json::array();
};

// numpy dtype name for a k-bit integer tensor: int8, int16 or int32.
const char* integer_dtype(int bits);

}  // namespace qtsim::train
