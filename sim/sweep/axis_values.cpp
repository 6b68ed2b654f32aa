#include "axis_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace qtsim::sweep {

using nlohmann::json;

json normalized_value(const json& value) {
  if (!value.is_number_float()) return value;
  const double v = value.get<double>();
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) <= 9007199254740992.0) return static_cast<std::int64_t>(v);
  return value;
}

namespace {

json rounded(double v) { return normalized_value(std::stod(fmt::format("{:.12g}", v))); }

}  // namespace

std::vector<json> range_values(const json& range, const std::string& pointer, input::DiagnosticList& diags) {
  const double from = range.at("from").get<double>(), to = range.at("to").get<double>();
  const bool has_step = range.contains("step"), has_times = range.contains("times");
  if (has_step == has_times) {
    diags.add(pointer, "exactly one of \"step\" (from, from + step, ...) and \"times\" (from, from x times, ...)",
              has_step ? "both" : "neither");
    return {};
  }
  if (from > to) {
    diags.add(pointer + "/to", fmt::format("a value >= from ({:g}): the range would be empty", from), fmt::format("{:g}", to));
    return {};
  }
  if (has_times && !(from > 0)) {
    diags.add(pointer + "/from", "a number > 0 for a geometric range (\"times\")", fmt::format("{:g}", from));
    return {};
  }
  std::vector<json> values;
  const double step = has_step ? range.at("step").get<double>() : 0, times = has_times ? range.at("times").get<double>() : 0;
  for (std::size_t k = 0;; ++k) {
    const double v = has_step ? from + static_cast<double>(k) * step : from * std::pow(times, static_cast<double>(k));
    // A relative tolerance keeps "to" itself when rounding lands just above it.
    if (v > to + 1e-9 * std::max(std::fabs(to), 1.0)) break;
    if (values.size() == kMaxAxisValues) {
      diags.add(pointer, fmt::format("a range of at most {} values", kMaxAxisValues),
                fmt::format("more ({:g} to {:g} by {})", from, to, has_step ? fmt::format("+{:g}", step) : fmt::format("x{:g}", times)));
      return {};
    }
    values.push_back(rounded(std::min(v, to)));
  }
  return values;
}

}  // namespace qtsim::sweep
