#include "gemm_mapper.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace qtsim::hw {

MapperTarget MapperTarget::of(const HwConfig& config) {
  MapperTarget t;
  t.dataflow = config.array.dataflow;
  t.rows = config.array.rows;
  t.cols = config.array.cols;
  t.ifmap_slot = config.ifmap.usable_bytes();
  t.filter_slot = config.filter.usable_bytes();
  t.ofmap_slot = config.ofmap.usable_bytes();
  t.dram_bytes_per_cycle = config.dram.bandwidth_gb_per_s * config.cycle_ns();  // GB/s = bytes/ns
  t.dram_latency_cycles = config.dram.latency_ns / config.cycle_ns();
  t.dma_setup_cycles = config.dma.setup_cycles;
  return t;
}

namespace {

constexpr double kEstimateTolerance = 0.005;

std::int64_t round_up(std::int64_t v, std::int64_t unit) { return ceil_div(v, unit) * unit; }

// Candidate tile sizes along an index of `extent`: multiples of `unit` (the
// array side for a spread index, the granule of whole rows or channels for the
// streamed one) doubling, even cuts of the index, the whole index, and as a
// last resort sizes below the unit (they fit smaller buffers, at the cost of
// partial folds or looser boxes).
std::vector<std::int64_t> candidate_sizes(std::int64_t extent, std::int64_t unit, std::int64_t granule) {
  std::vector<std::int64_t> v{extent};
  unit = std::max<std::int64_t>(1, std::min(unit, extent));
  const std::int64_t both = std::lcm(unit, std::max<std::int64_t>(1, granule));
  for (std::int64_t base : {unit, both})
    for (std::int64_t s = base; s < extent; s *= 2) v.push_back(s);
  for (std::int64_t parts : {2, 3, 4, 6, 8, 12, 16, 24, 32})
    if (parts < extent) v.push_back(std::min(extent, round_up(ceil_div(extent, parts), unit)));
  for (std::int64_t s = unit / 2; s >= 1; s /= 2) v.push_back(s);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

struct Candidate {
  GemmMapping mapping;
  MappingEstimate estimate;
  std::int64_t tiles = 0;
  // Among mappings about equally fast: fewer DRAM bytes, then fewer tiles, then faster.
  bool better_than(const Candidate& o) const {
    return std::make_tuple(estimate.dram_bytes(), tiles, estimate.cycles) <
           std::make_tuple(o.estimate.dram_bytes(), o.tiles, o.estimate.cycles);
  }
};

std::uint64_t a_slot_bytes(std::int64_t elements, const GemmElementBytes& e) {
  const auto n = static_cast<std::uint64_t>(elements);
  return e.a_flagged ? (n * e.a + 7) / 8 * 8 + n : n * e.a;
}

// The estimate of one mapping; false when it does not fit the buffers.
bool estimate(const GemmGeometry& g, const GemmElementBytes& e, const MapperTarget& t, const GemmMapping& mp,
              MappingEstimate& est) {
  const std::int64_t tm = mp.size(GemmLoop::m), tn = mp.size(GemmLoop::n), tk = mp.size(GemmLoop::k);
  est.out_slot_bytes = static_cast<std::uint64_t>(mp.block_rows() * mp.block_cols()) * e.out;
  est.a_slot_bytes = a_slot_bytes(g.a_elements_bound(tm, tk), e);
  est.b_slot_bytes = static_cast<std::uint64_t>(g.b_elements_bound(tk, tn)) * e.b;
  if (est.out_slot_bytes > t.ofmap_slot || est.a_slot_bytes > t.ifmap_slot || est.b_slot_bytes > t.filter_slot) return false;
  if (t.single_output_block && mp.blocks() != 1) return false;

  const auto a_loads = static_cast<std::uint64_t>(mp.a_loads()), b_loads = static_cast<std::uint64_t>(mp.b_loads());
  est.a_bytes = a_loads * est.a_slot_bytes;
  est.b_bytes = b_loads * est.b_slot_bytes;
  est.out_bytes = static_cast<std::uint64_t>(mp.whole.m * mp.whole.n) * e.out;
  const double bpc = t.dram_bytes_per_cycle, tiles = static_cast<double>(mp.tiles());
  const double loaded_tiles = static_cast<double>(std::max(a_loads, b_loads));
  const double blocks = static_cast<double>(mp.blocks());
  const double per_load = t.dram_latency_cycles + 2 * t.dma_setup_cycles;
  const double load_cycles = static_cast<double>(est.a_bytes + est.b_bytes) / bpc + loaded_tiles * per_load;
  const double store_cycles = static_cast<double>(est.out_bytes) / bpc + blocks * t.dma_setup_cycles;
  const double compute = static_cast<double>(mp.array_cycles());
  const double per_tile = std::max(compute / tiles, (load_cycles + store_cycles) / tiles);
  const double first = static_cast<double>(est.a_slot_bytes + est.b_slot_bytes) / bpc + per_load;
  const double last = static_cast<double>(est.out_slot_bytes) / bpc + t.dram_latency_cycles + t.dma_setup_cycles;
  // Whole cycles, so that mappings equally fast compare by their DRAM bytes.
  est.cycles = std::ceil(first + tiles * per_tile + last);
  return true;
}

MapperResult search(const GemmGeometry& g, const GemmElementBytes& e, const MapperTarget& t) {
  GemmMapping base;
  base.dataflow = t.dataflow;
  base.array_rows = t.rows;
  base.array_cols = t.cols;
  base.whole = g.dims();
  const FoldAxes ax = fold_axes(t.dataflow);
  auto unit_of = [&](GemmLoop l) -> std::int64_t {
    if (l == ax.rows) return t.rows;
    if (l == ax.cols) return t.cols;
    return l == GemmLoop::m ? g.m_granule() : l == GemmLoop::n ? g.n_granule() : g.k_granule();
  };
  auto granule_of = [&](GemmLoop l) { return l == GemmLoop::m ? g.m_granule() : l == GemmLoop::n ? g.n_granule() : g.k_granule(); };
  const std::vector<std::int64_t> ms = candidate_sizes(base.whole.m, unit_of(GemmLoop::m), granule_of(GemmLoop::m));
  const std::vector<std::int64_t> ns = candidate_sizes(base.whole.n, unit_of(GemmLoop::n), granule_of(GemmLoop::n));
  const std::vector<std::int64_t> ks = candidate_sizes(base.whole.k, unit_of(GemmLoop::k), granule_of(GemmLoop::k));
  std::array<GemmLoop, 3> order{GemmLoop::m, GemmLoop::n, GemmLoop::k};
  std::vector<std::array<GemmLoop, 3>> orders;
  do orders.push_back(order);
  while (std::next_permutation(order.begin(), order.end()));

  MapperResult result;
  std::vector<Candidate> fitting;
  std::optional<MappingEstimate> smallest;  // footprints of the smallest tile, for the error message
  for (std::int64_t tm : ms)
    for (std::int64_t tn : ns)
      for (std::int64_t tk : ks)
        for (const auto& o : orders) {
          Candidate c;
          c.mapping = base;
          c.mapping.tile_size = {tm, tn, tk};
          c.mapping.order = o;
          // Orders that differ only in where single-trip loops sit are the same mapping.
          bool redundant = false;
          for (int i = 0; i + 1 < 3; ++i)
            if (c.mapping.trips(o[static_cast<std::size_t>(i)]) == 1 &&
                static_cast<int>(o[static_cast<std::size_t>(i)]) > static_cast<int>(o[static_cast<std::size_t>(i + 1)]))
              redundant = true;
          if (redundant) continue;
          if (!estimate(g, e, t, c.mapping, c.estimate)) {
            if (!smallest && tm == ms.front() && tn == ns.front() && tk == ks.front()) smallest = c.estimate;
            continue;
          }
          c.tiles = c.mapping.tiles();
          fitting.push_back(c);
        }
  result.candidates = static_cast<std::int64_t>(fitting.size());
  // The fastest estimate; among the mappings within kEstimateTolerance of it
  // (the estimate is no more accurate than that), the fewest DRAM bytes, then
  // the fewest tiles.
  const Candidate* best = nullptr;
  double fastest = 0;
  for (const Candidate& c : fitting)
    if (!best || c.estimate.cycles < fastest) {
      fastest = c.estimate.cycles;
      best = &c;
    }
  for (const Candidate& c : fitting)
    if (c.estimate.cycles <= fastest * (1 + kEstimateTolerance) && c.better_than(*best)) best = &c;
  const bool found = best != nullptr;
  if (!found) {
    const MappingEstimate least = smallest.value_or(MappingEstimate{});
    std::string buffer = "ofmap";
    std::uint64_t need = least.out_slot_bytes, have = t.ofmap_slot;
    if (least.a_slot_bytes > t.ifmap_slot) {
      buffer = "ifmap";
      need = least.a_slot_bytes;
      have = t.ifmap_slot;
    } else if (least.b_slot_bytes > t.filter_slot) {
      buffer = "filter";
      need = least.b_slot_bytes;
      have = t.filter_slot;
    }
    throw std::runtime_error("the " + buffer + " buffer is too small for the " + to_string(g.pass()) +
                             " GEMM of this layer: its smallest tile needs " + std::to_string(need) +
                             " bytes per slot, the buffer has " + std::to_string(have));
  }
  result.mapping = best->mapping;
  result.estimate = best->estimate;
  return result;
}

// Mappings depend only on the GEMM, its element sizes and the target, and a
// training step maps the same layer shapes again every step: search once.
struct Key {
  ConvPass pass;
  ConvShape shape;
  GemmElementBytes bytes;
  MapperTarget target;
  auto tie() const {
    const ConvShape& s = shape;
    const MapperTarget& t = target;
    return std::make_tuple(static_cast<int>(pass), s.n, s.c, s.h, s.w, s.k, s.r, s.s, s.stride, s.pad, bytes.a, bytes.b,
                           bytes.out, bytes.a_flagged, static_cast<int>(t.dataflow), t.rows, t.cols, t.ifmap_slot,
                           t.filter_slot, t.ofmap_slot, t.dram_bytes_per_cycle, t.dram_latency_cycles, t.dma_setup_cycles,
                           t.single_output_block);
  }
  bool operator<(const Key& o) const { return tie() < o.tie(); }
};

}  // namespace

MapperResult map_gemm(const GemmGeometry& geometry, const GemmElementBytes& bytes, const MapperTarget& target) {
  static std::mutex lock;
  static std::map<Key, MapperResult> cache;
  const Key key{geometry.pass(), geometry.shape(), bytes, target};
  {
    std::lock_guard<std::mutex> g(lock);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  MapperResult r = search(geometry, bytes, target);
  std::lock_guard<std::mutex> g(lock);
  cache.emplace(key, r);
  return r;
}

}  // namespace qtsim::hw
