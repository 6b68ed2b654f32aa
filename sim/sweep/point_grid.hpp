#pragma once
// The grid of a sweep: every combination of a workload, a variant and one
// value per axis, numbered in a fixed order (workloads outermost, then
// variants, then the axes as written, the last changing fastest), and a
// random sample of it drawn without replacement from a seed. A point's
// parameters name its choices; its id is a hash of them, so it does not change
// when axes are reordered or values added.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep_spec.hpp"

namespace qtsim::sweep {

constexpr std::uint64_t kMaxGridPoints = 100'000'000;

// Indices into spec.workloads, spec.variants and each axis's values.
struct GridCoordinates {
  std::size_t workload = 0, variant = 0;
  std::vector<std::size_t> axis_values;
};

// Points in the grid; throws input::InputError (the sweep file) beyond kMaxGridPoints.
std::uint64_t grid_size(const SweepSpec& spec);

GridCoordinates grid_coordinates(const SweepSpec& spec, std::uint64_t index);

// `count` distinct indices below `size` chosen by `seed`, ascending. The
// generator is spelled out (splitmix64, Floyd's algorithm, unbiased bounded
// draws), so a seed gives the same sample on every machine and library.
std::vector<std::uint64_t> sample_indices(std::uint64_t size, std::uint64_t count, std::uint32_t seed);

// {"workload": ..., "variant": ... (with variants), one field per axis}, in that order.
nlohmann::ordered_json point_parameters(const SweepSpec& spec, const GridCoordinates& at);

// 12 hexadecimal digits from the parameters (field order does not matter).
std::string point_id(const nlohmann::ordered_json& parameters);

}  // namespace qtsim::sweep
