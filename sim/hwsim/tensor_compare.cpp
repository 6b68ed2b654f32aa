#include "tensor_compare.hpp"

#include <bit>
#include <cmath>
#include <fmt/format.h>

namespace qtsim::hwsim {

namespace {

std::string coordinates(const ref::Shape& s, std::int64_t index) {
  std::vector<std::int64_t> c(s.rank());
  for (std::size_t d = s.rank(); d-- > 0;) {
    c[d] = index % s[d];
    index /= s[d];
  }
  std::string out = "[";
  for (std::size_t d = 0; d < c.size(); ++d) out += (d ? ", " : "") + std::to_string(c[d]);
  return out + "]";
}

// Distance in units in the last place between two finite floats.
std::uint64_t ulp_distance(float a, float b) {
  auto key = [](float f) {
    const auto u = std::bit_cast<std::int32_t>(f);
    return u < 0 ? std::int64_t{INT32_MIN} - u : std::int64_t{u};
  };
  const std::int64_t d = key(a) - key(b);
  return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

void note(TensorComparison& c, std::int64_t index, const ref::Shape& shape, std::string hw, std::string ref, const char* what) {
  c.ok = false;
  ++c.mismatches;
  if (!c.first) c.first = Mismatch{index, coordinates(shape, index), std::move(hw), std::move(ref), what};
}

void compare_int(const ref::QTensor& r, const ref::QTensor& h, TensorComparison& c) {
  c.kind = fmt::format("int{} e={}", r.bits, r.exp);
  if (r.flagged()) c.kind += " flagged";
  if (h.exp != r.exp) note(c, 0, r.shape, fmt::format("exponent {}", h.exp), fmt::format("exponent {}", r.exp), "exponent");
  if (h.flagged() != r.flagged())
    note(c, 0, r.shape, h.flagged() ? "flagged" : "not flagged", r.flagged() ? "flagged" : "not flagged", "flag");
  for (std::size_t i = 0; i < r.size(); ++i) {
    const bool fr = r.flagged() && r.flag[i], fh = h.flagged() && h.flag[i];
    if (h.q[i] != r.q[i] || fr != fh)
      note(c, static_cast<std::int64_t>(i), r.shape, fmt::format("{}{}", h.q[i], fh ? " (fine)" : ""),
           fmt::format("{}{}", r.q[i], fr ? " (fine)" : ""), "value");
  }
}

void compare_float(const ref::FTensor& r, const ref::FTensor& h, const FloatTolerance& tol, TensorComparison& c) {
  c.kind = "float32";
  double scale = 0.0;
  for (float v : r.data)
    if (std::isfinite(v)) scale = std::max(scale, static_cast<double>(std::fabs(v)));
  const double atol = tol.atol_fraction * scale;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const float a = h.data[i], b = r.data[i];
    if (std::isnan(a) && std::isnan(b)) continue;
    if (!std::isfinite(a) || !std::isfinite(b)) {
      if (a != b) note(c, static_cast<std::int64_t>(i), r.shape, fmt::format("{}", a), fmt::format("{}", b), "value");
      continue;
    }
    const double diff = std::fabs(static_cast<double>(a) - b);
    c.max_abs_diff = std::max(c.max_abs_diff, diff);
    c.max_ulp = std::max(c.max_ulp, ulp_distance(a, b));
    if (diff > atol + tol.rtol * std::fabs(static_cast<double>(b)))
      note(c, static_cast<std::int64_t>(i), r.shape, fmt::format("{:.9g}", a), fmt::format("{:.9g}", b), "value");
  }
}

}  // namespace

TensorComparison compare_tensor(const CapturedTensor& ref, const CapturedTensor* hw, const FloatTolerance& tol) {
  TensorComparison c;
  c.name = ref.name;
  const bool ref_int = std::holds_alternative<ref::QTensor>(ref.value);
  const ref::Shape& shape = ref_int ? std::get<ref::QTensor>(ref.value).shape : std::get<ref::FTensor>(ref.value).shape;
  c.elements = shape.numel();
  if (!hw) {
    c.kind = ref_int ? "int" : "float32";
    note(c, 0, shape, "(not produced by the hardware)", "(recorded)", "missing");
    return c;
  }
  if (ref_int != std::holds_alternative<ref::QTensor>(hw->value)) {
    note(c, 0, shape, ref_int ? "float32" : "integer", ref_int ? "integer" : "float32", "type");
    return c;
  }
  const std::int64_t hw_elements =
      ref_int ? std::get<ref::QTensor>(hw->value).shape.numel() : std::get<ref::FTensor>(hw->value).shape.numel();
  if (hw_elements != c.elements) {
    note(c, 0, shape, fmt::format("{} elements", hw_elements), fmt::format("{} elements", c.elements), "shape");
    return c;
  }
  if (ref_int)
    compare_int(std::get<ref::QTensor>(ref.value), std::get<ref::QTensor>(hw->value), c);
  else
    compare_float(std::get<ref::FTensor>(ref.value), std::get<ref::FTensor>(hw->value), tol, c);
  return c;
}

std::vector<TensorComparison> compare_step(const CapturedTensors& ref, const CapturedTensors& hw, const FloatTolerance& tol) {
  std::vector<TensorComparison> out;
  for (const CapturedTensor& t : ref.all()) out.push_back(compare_tensor(t, hw.find(t.name), tol));
  return out;
}

}  // namespace qtsim::hwsim
