#include "point_grid.hpp"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "sim/input/diagnostic.hpp"
#include "stable_hash.hpp"

namespace qtsim::sweep {

namespace {

std::vector<std::size_t> dimension_sizes(const SweepSpec& spec) {
  std::vector<std::size_t> sizes{spec.workloads.size(), spec.variants.size()};
  for (const Axis& a : spec.axes) sizes.push_back(a.values.size());
  return sizes;
}

// splitmix64: a tiny generator whose every output is defined here.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound] by rejection (no modulo bias).
  std::uint64_t up_to(std::uint64_t bound) {
    if (bound == UINT64_MAX) return next();
    const std::uint64_t range = bound + 1, limit = UINT64_MAX - UINT64_MAX % range;
    for (;;)
      if (const std::uint64_t r = next(); r < limit) return r % range;
  }
};

}  // namespace

std::uint64_t grid_size(const SweepSpec& spec) {
  std::uint64_t n = 1;
  for (std::size_t s : dimension_sizes(spec)) {
    if (s == 0) return 0;
    if (n > kMaxGridPoints / s)
      throw input::InputError(input::Diagnostic{spec.file, "/axes", fmt::format("a grid of at most {} points (use \"sample\" on fewer values)", kMaxGridPoints),
                                                "more", ""});
    n *= s;
  }
  return n;
}

GridCoordinates grid_coordinates(const SweepSpec& spec, std::uint64_t index) {
  const std::vector<std::size_t> sizes = dimension_sizes(spec);
  std::vector<std::size_t> digits(sizes.size());
  for (std::size_t d = sizes.size(); d-- > 0;) {
    digits[d] = static_cast<std::size_t>(index % sizes[d]);
    index /= sizes[d];
  }
  GridCoordinates at;
  at.workload = digits[0];
  at.variant = digits[1];
  at.axis_values.assign(digits.begin() + 2, digits.end());
  return at;
}

std::vector<std::uint64_t> sample_indices(std::uint64_t size, std::uint64_t count, std::uint32_t seed) {
  count = std::min(count, size);
  SplitMix64 rng{0x5eed000000000000ull ^ seed};
  // Floyd: for j in [size - count, size): draw t in [0, j]; take t, or j if t was taken.
  std::unordered_set<std::uint64_t> chosen;
  std::vector<std::uint64_t> out;
  for (std::uint64_t j = size - count; j < size; ++j) {
    const std::uint64_t t = rng.up_to(j);
    const std::uint64_t pick = chosen.count(t) ? j : t;
    chosen.insert(pick);
    out.push_back(pick);
  }
  std::sort(out.begin(), out.end());
  return out;
}

nlohmann::ordered_json point_parameters(const SweepSpec& spec, const GridCoordinates& at) {
  nlohmann::ordered_json p;
  p["workload"] = spec.workloads[at.workload].label;
  if (!spec.variants[at.variant].as_given()) p["variant"] = spec.variants[at.variant].name;
  for (std::size_t a = 0; a < spec.axes.size(); ++a) p[spec.axes[a].name] = spec.axes[a].values[at.axis_values[a]];
  return p;
}

std::string point_id(const nlohmann::ordered_json& parameters) {
  const nlohmann::json sorted = parameters;  // std::map keys: a canonical order
  return hex_digits(stable_hash(sorted.dump()), 12);
}

}  // namespace qtsim::sweep
