// The mapper's invariants, checked tile by tile on conv shapes of every kind
// (strides, padding, 1x1, linear), every pass, every dataflow and buffers from
// roomy to tight:
//   - the tiles cover the GEMM exactly once;
//   - no tile's operand boxes exceed one slot of their buffer, and no output
//     block exceeds one slot of the output buffer (the bounds the mapper uses
//     hold for every tile);
//   - the operand boxes hold every element the tile's streams read;
//   - the output boxes put every output of a block in its own place of the
//     block's matrix;
//   - tiles are aligned to the array along the spread indices, so the tiles'
//     cycles add up to the mapping's, and a mapping whose streamed chunks go
//     on from tile to tile costs exactly the GEMM as one block.
#include <gtest/gtest.h>

#include <set>
#include <tuple>
#include <vector>

#include "models/hw/mapping/gemm_mapper.hpp"

namespace qtsim::hw::test {
namespace {

struct MapCase {
  ConvShape shape;
  Dataflow dataflow;
  std::int64_t rows, cols;
  std::uint64_t slot;  // bytes per slot of each buffer
};

MapperTarget target_of(const MapCase& c) {
  MapperTarget t;
  t.dataflow = c.dataflow;
  t.rows = c.rows;
  t.cols = c.cols;
  t.ifmap_slot = t.filter_slot = t.ofmap_slot = c.slot;
  t.dram_bytes_per_cycle = 16;
  t.dram_latency_cycles = 100;
  t.dma_setup_cycles = 16;
  return t;
}

bool inside(const BoxSet& s, std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w) {
  for (const Box& b : s.boxes)
    if (n >= b.n0 && n < b.n0 + b.nn && c >= b.c0 && c < b.c0 + b.nc && h >= b.h0 && h < b.h0 + b.nh && w >= b.w0 &&
        w < b.w0 + b.nw)
      return true;
  return false;
}

// The tensor element (n, c, h, w) operand A's stream reads at (row, reduction index), or false for a zero the feeder inserts.
bool a_element(const GemmGeometry& g, std::int64_t m, std::int64_t k, std::array<std::int64_t, 4>& e) {
  const ConvShape& s = g.shape();
  const std::int64_t P = s.p(), Q = s.q(), RS = s.r * s.s;
  switch (g.pass()) {
    case ConvPass::forward: {
      const std::int64_t n = m / (P * Q), p = m / Q % P, q = m % Q, c = k / RS, r = k / s.s % s.r, t = k % s.s;
      const std::int64_t h = p * s.stride - s.pad + r, w = q * s.stride - s.pad + t;
      e = {n, c, h, w};
      return h >= 0 && h < s.h && w >= 0 && w < s.w;
    }
    case ConvPass::backward_data: {
      const std::int64_t n = m / (s.h * s.w), h = m / s.w % s.h, w = m % s.w, kf = k / RS, r = k / s.s % s.r, t = k % s.s;
      const std::int64_t pn = h + s.pad - r, qn = w + s.pad - t;
      e = {n, kf, pn / s.stride, qn / s.stride};
      return pn >= 0 && qn >= 0 && pn % s.stride == 0 && qn % s.stride == 0 && pn / s.stride < P && qn / s.stride < Q;
    }
    case ConvPass::backward_weights: e = {k / (P * Q), m, k / Q % P, k % Q}; return true;
  }
  return false;
}

bool b_element(const GemmGeometry& g, std::int64_t k, std::int64_t j, std::array<std::int64_t, 4>& e) {
  const ConvShape& s = g.shape();
  const std::int64_t P = s.p(), Q = s.q(), RS = s.r * s.s;
  switch (g.pass()) {
    case ConvPass::forward: e = {j, k / RS, k / s.s % s.r, k % s.s}; return true;
    case ConvPass::backward_data: e = {k / RS, j, k / s.s % s.r, k % s.s}; return true;
    case ConvPass::backward_weights: {
      const std::int64_t n = k / (P * Q), p = k / Q % P, q = k % Q, c = j / RS, r = j / s.s % s.r, t = j % s.s;
      const std::int64_t h = p * s.stride - s.pad + r, w = q * s.stride - s.pad + t;
      e = {n, c, h, w};
      return h >= 0 && h < s.h && w >= 0 && w < s.w;
    }
  }
  return false;
}

void check_mapping(const MapCase& c, ConvPass pass) {
  const GemmGeometry g(pass, c.shape);
  const GemmElementBytes bytes{1, 1, 4, false};
  const MapperTarget t = target_of(c);
  const MapperResult r = map_gemm(g, bytes, t);
  const GemmMapping& mp = r.mapping;
  const GemmDims d = g.dims();
  SCOPED_TRACE(to_string(pass) + " " + to_string(c.dataflow) + " tile " + mp.tile_string() + " order " + mp.order_string());
  const FoldAxes ax = fold_axes(c.dataflow);
  // Aligned along the spread indices (when the array's side fits the buffers at all).
  for (auto [l, side] : {std::pair{ax.rows, c.rows}, std::pair{ax.cols, c.cols}})
    if (mp.size(l) >= side) {
      EXPECT_TRUE(mp.size(l) % side == 0 || mp.size(l) == mp.extent(l)) << to_char(l);
    }

  std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> seen;
  std::int64_t volume = 0, cycles = 0;
  std::set<std::int64_t> blocks_done;
  for (std::int64_t i = 0; i < mp.tiles(); ++i) {
    const TilePlace p = mp.place(i);
    const GemmTile& tl = p.tile;
    volume += tl.m.size() * tl.n.size() * tl.k.size();
    cycles += p.cycles;
    EXPECT_TRUE(seen.insert({tl.m.lo, tl.n.lo, tl.k.lo}).second) << "tile visited twice";
    const BoxSet a = g.a_boxes(tl), b = g.b_boxes(tl);
    EXPECT_LE(a.numel(), g.a_elements_bound(mp.size(GemmLoop::m), mp.size(GemmLoop::k)));
    EXPECT_LE(b.numel(), g.b_elements_bound(mp.size(GemmLoop::k), mp.size(GemmLoop::n)));
    EXPECT_LE(static_cast<std::uint64_t>(a.numel()) * bytes.a, t.ifmap_slot);
    EXPECT_LE(static_cast<std::uint64_t>(b.numel()) * bytes.b, t.filter_slot);
    EXPECT_LE(static_cast<std::uint64_t>(p.block_m.size() * p.block_n.size()) * bytes.out, t.ofmap_slot);
    // The tile lies inside its output block; blocks are not revisited once stored.
    EXPECT_TRUE(tl.m.lo >= p.block_m.lo && tl.m.hi <= p.block_m.hi && tl.n.lo >= p.block_n.lo && tl.n.hi <= p.block_n.hi);
    EXPECT_FALSE(blocks_done.count(p.block));
    if (p.block_last) blocks_done.insert(p.block);
    // Every element the streams read is in the operand boxes (sampled corners and a stride through the tile).
    std::array<std::int64_t, 4> e{};
    for (std::int64_t m = tl.m.lo; m < tl.m.hi; m += std::max<std::int64_t>(1, tl.m.size() / 7))
      for (std::int64_t k = tl.k.lo; k < tl.k.hi; k += std::max<std::int64_t>(1, tl.k.size() / 11))
        if (a_element(g, m, k, e)) {
          ASSERT_TRUE(inside(a, e[0], e[1], e[2], e[3])) << "A at m " << m << " k " << k;
        }
    for (std::int64_t k = tl.k.lo; k < tl.k.hi; k += std::max<std::int64_t>(1, tl.k.size() / 11))
      for (std::int64_t j = tl.n.lo; j < tl.n.hi; j += std::max<std::int64_t>(1, tl.n.size() / 5))
        if (b_element(g, k, j, e)) {
          ASSERT_TRUE(inside(b, e[0], e[1], e[2], e[3])) << "B at k " << k << " n " << j;
        }
    if (p.block_last) {
      // The output boxes place each of the block's outputs at its own matrix position.
      const std::int64_t cols = p.block_n.size();
      std::vector<int> hit(static_cast<std::size_t>(p.block_m.size() * cols), 0);
      for (const StridedBox& sb : g.out_boxes(p.block_m, p.block_n, p.block_m.lo, p.block_n.lo, cols))
        for (std::int64_t a0 = 0; a0 < sb.box.nn; ++a0)
          for (std::int64_t a1 = 0; a1 < sb.box.nc; ++a1)
            for (std::int64_t a2 = 0; a2 < sb.box.nh; ++a2)
              for (std::int64_t a3 = 0; a3 < sb.box.nw; ++a3) {
                const std::int64_t at = sb.base + a0 * sb.stride[0] + a1 * sb.stride[1] + a2 * sb.stride[2] + a3 * sb.stride[3];
                ASSERT_TRUE(at >= 0 && at < static_cast<std::int64_t>(hit.size()));
                ++hit[static_cast<std::size_t>(at)];
              }
      for (int h : hit) ASSERT_EQ(h, 1);
    }
  }
  EXPECT_EQ(volume, d.m * d.n * d.k);
  EXPECT_EQ(cycles, mp.array_cycles());
  if (mp.continues_folds()) {
    EXPECT_EQ(mp.array_cycles(), mp.whole_cycles());
  }
  EXPECT_GE(mp.array_cycles(), mp.whole_cycles());
}

class MapperInvariants : public ::testing::TestWithParam<MapCase> {};

TEST_P(MapperInvariants, EveryPass) {
  for (ConvPass pass : {ConvPass::forward, ConvPass::backward_data, ConvPass::backward_weights}) check_mapping(GetParam(), pass);
}

const ConvShape kConv3x3{2, 16, 14, 14, 24, 3, 3, 1, 1};
const ConvShape kConv3x3Stride2{3, 8, 15, 13, 16, 3, 3, 2, 1};
const ConvShape kConv7x7{2, 3, 23, 23, 8, 7, 7, 2, 3};
const ConvShape kConv1x1Stride2{2, 32, 8, 8, 40, 1, 1, 2, 0};
const ConvShape kLinear{16, 120, 1, 1, 10, 1, 1, 1, 0};

INSTANTIATE_TEST_SUITE_P(
    Shapes, MapperInvariants,
    ::testing::Values(MapCase{kConv3x3, Dataflow::os, 8, 8, 1 << 20}, MapCase{kConv3x3, Dataflow::os, 8, 8, 2048},
                      MapCase{kConv3x3, Dataflow::ws, 8, 4, 2048}, MapCase{kConv3x3, Dataflow::is, 4, 8, 3072},
                      MapCase{kConv3x3Stride2, Dataflow::os, 4, 4, 1536}, MapCase{kConv3x3Stride2, Dataflow::ws, 4, 4, 1536},
                      MapCase{kConv3x3Stride2, Dataflow::is, 4, 4, 1536}, MapCase{kConv7x7, Dataflow::os, 8, 8, 4096},
                      MapCase{kConv7x7, Dataflow::ws, 16, 8, 4096}, MapCase{kConv1x1Stride2, Dataflow::is, 8, 8, 1024},
                      MapCase{kLinear, Dataflow::os, 8, 8, 1024}, MapCase{kLinear, Dataflow::ws, 8, 8, 512}));

// The operand bounds the mapper sizes buffers with hold for every tile of
// every size (tiles start at multiples of their size), and are tight where the
// boxes are: a 1x1 stride-1 backward-data tile of whole input rows reads
// exactly those error rows (a looser bound made the mapper cut ResNet-50's
// bottleneck layers into more reduction chunks than their buffers needed).
TEST(Mapper, OperandBoundsHoldForEveryTile) {
  const ConvShape kConv1x1{2, 8, 6, 7, 5, 1, 1, 1, 0};
  for (const ConvShape& s : {kConv3x3, kConv3x3Stride2, kConv7x7, kConv1x1Stride2, kConv1x1})
    for (ConvPass pass : {ConvPass::forward, ConvPass::backward_data, ConvPass::backward_weights}) {
      const GemmGeometry g(pass, s);
      const GemmDims d = g.dims();
      SCOPED_TRACE(to_string(pass) + " C" + std::to_string(s.c) + " R" + std::to_string(s.r) + " stride " +
                   std::to_string(s.stride));
      for (std::int64_t tm = 1; tm <= d.m; tm += std::max<std::int64_t>(1, d.m / 23))
        for (std::int64_t tk = 1; tk <= d.k; tk += std::max<std::int64_t>(1, d.k / 7))
          for (std::int64_t tn = 1; tn <= d.n; tn += std::max<std::int64_t>(1, d.n / 5))
            for (std::int64_t m0 = 0; m0 < d.m; m0 += tm)
              for (std::int64_t k0 = 0; k0 < d.k; k0 += tk) {
                const GemmTile t{{m0, std::min(d.m, m0 + tm)}, {0, std::min(d.n, tn)}, {k0, std::min(d.k, k0 + tk)}};
                ASSERT_LE(g.a_boxes(t).numel(), g.a_elements_bound(tm, tk)) << "tm " << tm << " tk " << tk << " m0 " << m0;
                ASSERT_LE(g.b_boxes(t).numel(), g.b_elements_bound(tk, tn)) << "tk " << tk << " tn " << tn;
              }
    }
  const GemmGeometry bd(ConvPass::backward_data, kConv1x1);
  EXPECT_EQ(bd.a_elements_bound(2 * kConv1x1.w, kConv1x1.k), 2 * kConv1x1.w * kConv1x1.k);
}

// With ideal memory (buffers that hold the whole GEMM, transfers free) the
// mapper takes the GEMM as one tile: every operand loaded once, the array's
// cycles those of the GEMM as one block. (With a real DRAM it cuts even a GEMM
// that fits, so that loads overlap compute.)
TEST(Mapper, IdealMemoryGivesOneTile) {
  for (ConvPass pass : {ConvPass::forward, ConvPass::backward_data, ConvPass::backward_weights}) {
    const GemmGeometry g(pass, kConv3x3);
    MapperTarget t = target_of({kConv3x3, Dataflow::os, 8, 8, std::uint64_t{1} << 24});
    t.dram_bytes_per_cycle = 1e12;
    t.dram_latency_cycles = t.dma_setup_cycles = 0;
    const MapperResult r = map_gemm(g, {1, 1, 4, false}, t);
    EXPECT_EQ(r.mapping.tiles(), 1) << to_string(pass);
    EXPECT_EQ(r.mapping.array_cycles(), r.mapping.whole_cycles());
  }
}

// A reduction cut into chunks that go on in the array (output-stationary:
// partial sums stay in the accumulators) costs the folds of the GEMM as one
// block, tile by tile; the same chunks in tiles of two folds each pay the fill
// and drain again per chunk.
TEST(Mapper, ContinuingReductionChunksCostNoExtraFolds) {
  GemmMapping mp;
  mp.dataflow = Dataflow::os;
  mp.array_rows = 8;
  mp.array_cols = 4;
  mp.whole = {40, 12, 100};
  mp.tile_size = {8, 4, 24};
  mp.order = {GemmLoop::m, GemmLoop::n, GemmLoop::k};
  ASSERT_TRUE(mp.continues_folds());
  std::int64_t sum = 0;
  for (std::int64_t t = 0; t < mp.tiles(); ++t) sum += mp.place(t).cycles;
  EXPECT_EQ(sum, mp.whole_cycles());
  EXPECT_EQ(mp.array_cycles(), mp.whole_cycles());
  EXPECT_EQ(mp.folds(), fold_plan(Dataflow::os, 8, 4, mp.whole).folds);

  GemmMapping two = mp;
  two.tile_size = {16, 4, 24};  // two folds per tile: each chunk refills and drains the array
  ASSERT_FALSE(two.continues_folds());
  const std::int64_t chunks = two.trips(GemmLoop::k);
  EXPECT_EQ(two.array_cycles(), mp.whole_cycles() + (chunks - 1) * fold_plan(Dataflow::os, 8, 4, mp.whole).folds *
                                                        fold_overhead(Dataflow::os, 8, 4));
  GemmMapping short_chunks = mp;
  short_chunks.tile_size = {8, 4, 6};  // shorter than the array's skew: cannot continue with two slots
  EXPECT_FALSE(short_chunks.continues_folds());
}

TEST(Mapper, TooSmallBufferNamesIt) {
  const ConvShape s{1, 64, 56, 56, 64, 3, 3, 1, 1};
  const GemmGeometry g(ConvPass::forward, s);
  MapCase c{s, Dataflow::os, 16, 16, 2048};
  MapperTarget t = target_of(c);
  t.ifmap_slot = 8;  // not even one input row
  try {
    (void)map_gemm(g, {1, 1, 4, false}, t);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the ifmap buffer is too small"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qtsim::hw::test
