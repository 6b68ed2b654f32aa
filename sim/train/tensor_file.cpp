#include "tensor_file.hpp"

#include <bit>
#include <cstring>

namespace qtsim::train {

static_assert(std::endian::native == std::endian::little, "dumps are written as little-endian arrays");

namespace {

template <typename T>
std::vector<T> narrowed(const std::vector<std::int32_t>& q) {
  return std::vector<T>(q.begin(), q.end());
}

nlohmann::ordered_json shape_json(const ref::Shape& s) { return nlohmann::ordered_json(s.dims); }

}  // namespace

const char* integer_dtype(int bits) { return bits <= 8 ? "int8" : bits <= 16 ? "int16" : "int32"; }

std::size_t TensorFileBuilder::append(const void* data, std::size_t size) {
  const std::size_t aligned = (bytes_.size() + 7) / 8 * 8;  // 8-byte alignment for every array
  bytes_.resize(aligned, '\0');
  bytes_.append(static_cast<const char*>(data), size);
  return aligned;
}

void TensorFileBuilder::add(const std::string& name, const ref::QTensor& t, const ref::QuantStats* stats) {
  nlohmann::ordered_json e;
  e["name"] = name;
  const std::string dtype = integer_dtype(t.bits);
  e["dtype"] = dtype;
  e["shape"] = shape_json(t.shape);
  std::size_t offset;
  if (dtype == "int8") {
    const auto v = narrowed<std::int8_t>(t.q);
    offset = append(v.data(), v.size());
  } else if (dtype == "int16") {
    const auto v = narrowed<std::int16_t>(t.q);
    offset = append(v.data(), v.size() * 2);
  } else {
    offset = append(t.q.data(), t.q.size() * 4);
  }
  e["offset"] = offset;
  e["count"] = t.q.size();
  e["exponent"] = t.exp;
  e["bits"] = t.bits;
  if (t.flagged()) {
    const std::size_t foff = append(t.flag.data(), t.flag.size());
    e["flags"] = {{"dtype", "uint8"}, {"offset", foff}, {"count", t.flag.size()}, {"fine_exponent", t.exp - t.flag_shift}};
  }
  if (stats)
    e["stats"] = {{"shift", stats->shift}, {"saturated", stats->saturated}, {"nonfinite", stats->nonfinite},
                  {"discarded_exponent", stats->discarded_exp}};
  entries_.push_back(std::move(e));
}

void TensorFileBuilder::add(const std::string& name, const ref::FTensor& t) {
  nlohmann::ordered_json e;
  e["name"] = name;
  e["dtype"] = "float32";
  e["shape"] = shape_json(t.shape);
  e["offset"] = append(t.data.data(), t.data.size() * 4);
  e["count"] = t.data.size();
  entries_.push_back(std::move(e));
}

void TensorFileBuilder::add(const std::string& name, const std::vector<std::int64_t>& v, int exponent) {
  nlohmann::ordered_json e;
  e["name"] = name;
  e["dtype"] = "int64";
  e["shape"] = {v.size()};
  e["offset"] = append(v.data(), v.size() * 8);
  e["count"] = v.size();
  e["exponent"] = exponent;
  entries_.push_back(std::move(e));
}

}  // namespace qtsim::train
