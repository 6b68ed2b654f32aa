#include "json_number.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

namespace qtsim::input {

namespace {
constexpr double kTwoToThe63 = 9223372036854775808.0;

template <typename T>
int three_way(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}
}  // namespace

Integrality integrality(const nlohmann::json& number) {
  if (number.is_number_unsigned()) {
    const auto value = number.get<std::uint64_t>();
    return value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ? Integrality::out_of_range
                                                                                          : Integrality::whole;
  }
  if (number.is_number_integer()) return Integrality::whole;
  const double value = number.get<double>();
  if (!std::isfinite(value)) return Integrality::out_of_range;
  if (value != std::trunc(value)) return Integrality::fractional;
  // -2^63 itself fits int64, but as a double it is also what -2^63 - 1 and
  // its neighbours round to; integers that fit int64 never reach here as
  // doubles (nlohmann parses them as integers), so treat it as out of range.
  if (value <= -kTwoToThe63 || value >= kTwoToThe63) return Integrality::out_of_range;
  return Integrality::whole;
}

int compare_numbers(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    if (a.is_number_unsigned() && b.is_number_unsigned()) return three_way(a.get<std::uint64_t>(), b.get<std::uint64_t>());
    if (!a.is_number_unsigned() && !b.is_number_unsigned()) return three_way(a.get<std::int64_t>(), b.get<std::int64_t>());
    // One signed, one unsigned: a negative signed value is the smaller one.
    if (!a.is_number_unsigned() && a.get<std::int64_t>() < 0) return -1;
    if (!b.is_number_unsigned() && b.get<std::int64_t>() < 0) return 1;
    return three_way(a.get<std::uint64_t>(), b.get<std::uint64_t>());
  }
  auto wide = [](const nlohmann::json& n) -> long double {
    if (n.is_number_unsigned()) return static_cast<long double>(n.get<std::uint64_t>());
    if (n.is_number_integer()) return static_cast<long double>(n.get<std::int64_t>());
    return static_cast<long double>(n.get<double>());
  };
  return three_way(wide(a), wide(b));
}

}  // namespace qtsim::input
