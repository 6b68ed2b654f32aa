#include "gemm_mapping.hpp"

#include <fmt/format.h>

namespace qtsim::hw {

char to_char(GemmLoop l) {
  switch (l) {
    case GemmLoop::m: return 'm';
    case GemmLoop::n: return 'n';
    case GemmLoop::k: return 'k';
  }
  return '?';
}

FoldAxes fold_axes(Dataflow df) {
  switch (df) {
    case Dataflow::os: return {GemmLoop::m, GemmLoop::n, GemmLoop::k};
    case Dataflow::ws: return {GemmLoop::k, GemmLoop::n, GemmLoop::m};
    case Dataflow::is: return {GemmLoop::k, GemmLoop::m, GemmLoop::n};
  }
  return {GemmLoop::m, GemmLoop::n, GemmLoop::k};
}

std::int64_t fold_overhead(Dataflow df, std::int64_t rows, std::int64_t cols) {
  return df == Dataflow::os ? rows + cols - 2 : 2 * rows + cols - 2;
}

namespace {

// Folds along one array side of all tiles of size `size` cutting `extent`.
std::int64_t side_folds(std::int64_t extent, std::int64_t size, std::int64_t array_side) {
  const std::int64_t full = extent / size, rest = extent % size;
  return full * ceil_div(size, array_side) + (rest ? ceil_div(rest, array_side) : 0);
}

}  // namespace

std::int64_t GemmMapping::extent(GemmLoop l) const {
  switch (l) {
    case GemmLoop::m: return whole.m;
    case GemmLoop::n: return whole.n;
    case GemmLoop::k: return whole.k;
  }
  return 1;
}

std::int64_t GemmMapping::trips(GemmLoop l) const { return ceil_div(extent(l), size(l)); }

int GemmMapping::position(GemmLoop l) const {
  for (int i = 0; i < 3; ++i)
    if (order[static_cast<std::size_t>(i)] == l) return i;
  return 0;
}

bool GemmMapping::continues_folds() const {
  const FoldAxes ax = fold_axes(dataflow);
  // The array's rows (and columns) read the stream skewed by up to R - 1 (C - 1)
  // cycles: with chunks at least that long, at most two chunks are read at
  // once, which the two slots of a double-buffered buffer hold
  // (tests/hw/systolic_clocked_test.cpp, ChunkedStream).
  return position(ax.stream) == 2 && trips(ax.stream) > 1 && size(ax.rows) <= array_rows && size(ax.cols) <= array_cols &&
         size(ax.stream) >= std::max(array_rows, array_cols);
}

std::int64_t GemmMapping::block_rows() const { return position(GemmLoop::m) > position(GemmLoop::k) ? whole.m : size(GemmLoop::m); }
std::int64_t GemmMapping::block_cols() const { return position(GemmLoop::n) > position(GemmLoop::k) ? whole.n : size(GemmLoop::n); }

std::int64_t GemmMapping::blocks() const {
  std::int64_t b = 1;
  for (int i = 0; i < position(GemmLoop::k); ++i) b *= trips(order[static_cast<std::size_t>(i)]);
  return b;
}

namespace {

// Loads of an operand that depends on loops a and b: once per change of its
// tile, i.e. once per iteration of every loop down to the innermost of a and b
// that has more than one trip.
std::int64_t operand_loads(const GemmMapping& mp, GemmLoop a, GemmLoop b) {
  int deepest = -1;
  for (GemmLoop l : {a, b})
    if (mp.trips(l) > 1) deepest = std::max(deepest, mp.position(l));
  std::int64_t loads = 1;
  for (int i = 0; i <= deepest; ++i) loads *= mp.trips(mp.order[static_cast<std::size_t>(i)]);
  return loads;
}

}  // namespace

std::int64_t GemmMapping::a_loads() const { return operand_loads(*this, GemmLoop::m, GemmLoop::k); }
std::int64_t GemmMapping::b_loads() const { return operand_loads(*this, GemmLoop::k, GemmLoop::n); }

std::int64_t GemmMapping::folds() const {
  const FoldAxes ax = fold_axes(dataflow);
  const std::int64_t spatial = side_folds(extent(ax.rows), size(ax.rows), array_rows) *
                               side_folds(extent(ax.cols), size(ax.cols), array_cols);
  return continues_folds() ? spatial : spatial * trips(ax.stream);
}

std::int64_t GemmMapping::array_cycles() const {
  const FoldAxes ax = fold_axes(dataflow);
  const std::int64_t spatial = side_folds(extent(ax.rows), size(ax.rows), array_rows) *
                               side_folds(extent(ax.cols), size(ax.cols), array_cols);
  const std::int64_t fills = continues_folds() ? 1 : trips(ax.stream);
  return spatial * (extent(ax.stream) + fills * fold_overhead(dataflow, array_rows, array_cols)) - 1;
}

std::int64_t GemmMapping::whole_cycles() const {
  return fold_plan(dataflow, array_rows, array_cols, whole).cycles() - 1;
}

TilePlace GemmMapping::place(std::int64_t t) const {
  TilePlace p;
  const std::int64_t number = t;
  for (int i = 2; i >= 0; --i) {
    const GemmLoop l = order[static_cast<std::size_t>(i)];
    p.index[static_cast<std::size_t>(l)] = t % trips(l);
    t /= trips(l);
  }
  auto range = [&](GemmLoop l) {
    const std::int64_t lo = p.index[static_cast<std::size_t>(l)] * size(l);
    return IndexRange{lo, std::min(extent(l), lo + size(l))};
  };
  p.tile = {range(GemmLoop::m), range(GemmLoop::n), range(GemmLoop::k)};
  const int pk = position(GemmLoop::k);
  p.block = 0;
  for (int i = 0; i < pk; ++i) {
    const GemmLoop l = order[static_cast<std::size_t>(i)];
    p.block = p.block * trips(l) + p.index[static_cast<std::size_t>(l)];
  }
  p.block_m = position(GemmLoop::m) > pk ? IndexRange{0, whole.m} : p.tile.m;
  p.block_n = position(GemmLoop::n) > pk ? IndexRange{0, whole.n} : p.tile.n;
  p.block_first = p.block_last = true;
  for (int i = pk; i < 3; ++i) {
    const GemmLoop l = order[static_cast<std::size_t>(i)];
    p.block_first = p.block_first && p.index[static_cast<std::size_t>(l)] == 0;
    p.block_last = p.block_last && p.index[static_cast<std::size_t>(l)] == trips(l) - 1;
  }
  p.first_k = p.index[static_cast<std::size_t>(GemmLoop::k)] == 0;
  p.last_k = p.index[static_cast<std::size_t>(GemmLoop::k)] == trips(GemmLoop::k) - 1;

  const FoldAxes ax = fold_axes(dataflow);
  auto tile_extent = [&](GemmLoop l) {
    const IndexRange r = l == GemmLoop::m ? p.tile.m : l == GemmLoop::n ? p.tile.n : p.tile.k;
    return r.size();
  };
  const std::int64_t folds = ceil_div(tile_extent(ax.rows), array_rows) * ceil_div(tile_extent(ax.cols), array_cols);
  const std::int64_t ovh = fold_overhead(dataflow, array_rows, array_cols);
  if (continues_folds()) {
    const std::int64_t chunk = p.index[static_cast<std::size_t>(ax.stream)];
    p.continues = chunk > 0;
    p.folds = p.continues ? 0 : folds;
    p.cycles = tile_extent(ax.stream) + (chunk == trips(ax.stream) - 1 ? folds * ovh : 0);
  } else {
    p.folds = folds;
    p.cycles = folds * (tile_extent(ax.stream) + ovh);
  }
  if (number == tiles() - 1) p.cycles -= 1;  // SCALE-Sim counts the GEMM's last cycle as cycle N-1
  return p;
}

std::string GemmMapping::order_string() const {
  return fmt::format("{}>{}>{}", to_char(order[0]), to_char(order[1]), to_char(order[2]));
}

std::string GemmMapping::tile_string() const { return fmt::format("{}x{}x{}", tile_size[0], tile_size[1], tile_size[2]); }

}  // namespace qtsim::hw
