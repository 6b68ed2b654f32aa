#include "gemm_kernel.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <limits>
#include <stdexcept>
#include <vector>

#include "models/hw/host/tensor_io.hpp"
#include "models/hw/memory/sram_buffer.hpp"

#if defined(__AVX512F__) && defined(__AVX512BW__)
#include <immintrin.h>
#define QTSIM_HW_GEMM_PAIRS 512
#elif defined(__AVX2__)
#include <immintrin.h>
#define QTSIM_HW_GEMM_PAIRS 256
#endif

namespace qtsim::hw {

namespace {

std::uint64_t align8(std::uint64_t v) { return (v + 7) / 8 * 8; }

float load_float(const std::uint8_t* p, std::int64_t i) {
  float v;
  std::memcpy(&v, p + 4 * i, 4);
  return v;
}

// Operand element i of a box in SRAM, widened for the array: flag-quantized
// elements at the coarse exponent are shifted left onto the fine grid. The
// element type is a template parameter for the common int8/int16/int32 sources
// (one load per element, inlined); other integer types go through
// load_element. Every reader gives the same value for the same element.
template <typename S, bool Flagged>
struct TypedReader {
  const std::uint8_t* data;
  const std::uint8_t* flags;  // used only when Flagged
  int flag_shift;
  std::int32_t operator()(std::int64_t i) const {
    S v;
    std::memcpy(&v, data + sizeof(S) * static_cast<std::size_t>(i), sizeof(S));
    const std::int64_t q = v;
    if constexpr (Flagged)
      return static_cast<std::int32_t>(!flags[i] ? q * (std::int64_t{1} << flag_shift) : q);
    else
      return static_cast<std::int32_t>(q);
  }
};

struct GenericReader {
  const std::uint8_t* data;
  const std::uint8_t* flags;  // null when not flag-quantized
  DType type;
  int flag_shift;
  std::int32_t operator()(std::int64_t i) const {
    const std::int64_t q = load_element(data, type, i);
    return static_cast<std::int32_t>(flags && !flags[i] ? q * (std::int64_t{1} << flag_shift) : q);
  }
};

struct FloatReader {
  const std::uint8_t* data;
  float operator()(std::int64_t i) const { return load_float(data, i); }
};

// Calls f(reader) with the reader for an integer operand of type `type`.
template <typename F>
void with_int_reader(DType type, const std::uint8_t* data, const std::uint8_t* flags, int flag_shift, F&& f) {
  if (flags) {
    if (type == DType::i8) return f(TypedReader<std::int8_t, true>{data, flags, flag_shift});
    return f(GenericReader{data, flags, type, flag_shift});
  }
  switch (type) {
    case DType::i8: return f(TypedReader<std::int8_t, false>{data, nullptr, 0});
    case DType::i16: return f(TypedReader<std::int16_t, false>{data, nullptr, 0});
    case DType::i32: return f(TypedReader<std::int32_t, false>{data, nullptr, 0});
    default: return f(GenericReader{data, nullptr, type, 0});
  }
}

}  // namespace

// FP32 backward-data of a strided (or over-padded) convolution adds, for each
// input element, one partial sum per filter tap (r, s) inside the error, each a
// sum over k from 0 — the order the reference's GEMM + col2im follows (the
// output stage accumulates taps). Other passes sum in plain reduction order.
bool GemmKernel::per_tap_sums(ConvPass pass, const ConvShape& s, const HwTensor& out) {
  return out.is_float() && pass == ConvPass::backward_data && !(s.stride == 1 && s.pad < s.r);
}

GemmKernel::GemmKernel(KernelLabel label, ConvPass pass, const ConvShape& shape, GemmOperands operands,
                       const HwConfig& config)
    : Kernel(std::move(label)), pass_(pass), shape_(shape), ops_(std::move(operands)), config_(config),
      tiling_(pass, shape, dtype_bytes(ops_.a.data.type) + (ops_.a.flagged ? 1 : 0), dtype_bytes(ops_.b.data.type),
              dtype_bytes(ops_.out.data.type), config.ifmap.usable_bytes(), config.filter.usable_bytes(),
              config.ofmap.usable_bytes(), config.array.cols, per_tap_sums(pass, shape, ops_.out)) {
  integer_ = !ops_.out.is_float();
  if (integer_ && config.array.datapath != ArrayDatapath::int8)
    throw std::invalid_argument("an integer GEMM needs an int8 MAC array; this one is " + to_string(config.array.datapath));
  if (!integer_ && config.array.datapath != ArrayDatapath::fp32)
    throw std::invalid_argument("an FP32 GEMM needs an fp32 MAC array; this one is " + to_string(config.array.datapath));
  if (ops_.a.flagged && !config.array.flag_operands)
    throw std::invalid_argument("the scheme's errors are flag-quantized but the MAC array has flag_operands: false");
}

std::uint64_t GemmKernel::a_bytes() const { return dtype_bytes(ops_.a.data.type); }

void GemmKernel::start(KernelEnv& env) {
  next_block_ = 0;
  max_abs_ = 0;
  if (env.exact() && integer_) {
    ScalarRegs& r = *env.regs;
    const std::int64_t e_a = r[ops_.a.exp_reg] - (ops_.a.flagged ? ops_.a.flag_shift : 0);
    r[ops_.out.exp_reg] = e_a + r[ops_.b.exp_reg];
  }
}

void GemmKernel::finish(KernelEnv& env) {
  if (env.exact() && integer_ && ops_.max_reg >= 0) (*env.regs)[ops_.max_reg] = static_cast<std::int64_t>(max_abs_);
}

bool GemmKernel::next(Tile& tile, KernelEnv& env) {
  if (next_block_ >= tiling_.block_count()) return false;
  const std::int64_t index = next_block_++;
  const ConvBlock blk = tiling_.block(index);
  const int in_slot = static_cast<int>(index & 1), out_slot = static_cast<int>(blk.output_block & 1);
  SramBuffer& ifmap = *env.buffers.ifmap;
  SramBuffer& filter = *env.buffers.filter;
  SramBuffer& ofmap = *env.buffers.ofmap;
  const std::uint64_t a_data_bytes = static_cast<std::uint64_t>(blk.a.numel()) * a_bytes();

  if (!loaded_a_[in_slot] || std::memcmp(&*loaded_a_[in_slot], &blk.a, sizeof(Box)) != 0) {
    tile.loads.push_back({DmaTransfer::Direction::to_sram, ops_.a.data, blk.a, &ifmap, ifmap.slot_base(in_slot)});
    if (ops_.a.flagged)
      tile.loads.push_back({DmaTransfer::Direction::to_sram, ops_.a.flags, blk.a, &ifmap,
                            ifmap.slot_base(in_slot) + align8(a_data_bytes)});
    loaded_a_[in_slot] = blk.a;
  }
  if (!loaded_b_[in_slot] || std::memcmp(&*loaded_b_[in_slot], &blk.b, sizeof(Box)) != 0) {
    tile.loads.push_back({DmaTransfer::Direction::to_sram, ops_.b.data, blk.b, &filter, filter.slot_base(in_slot)});
    loaded_b_[in_slot] = blk.b;
  }
  if (blk.last_reduction)
    tile.stores.push_back({DmaTransfer::Direction::to_dram, ops_.out.data, blk.out, &ofmap, ofmap.slot_base(out_slot)});
  tile.in_slot = in_slot;
  tile.out_slot = out_slot;
  tile.out_begin = blk.first_reduction;
  tile.out_end = blk.last_reduction;

  // Timing and actions: folds of this block in the array's dataflow.
  const MacArraySpec& arr = config_.array;
  const GemmDims& d = blk.dims;
  const FoldPlan fp = fold_plan(arr.dataflow, arr.rows, arr.cols, d);
  std::uint64_t cycles = static_cast<std::uint64_t>(fp.cycles());
  if (next_block_ == tiling_.block_count() && cycles > 0) cycles -= 1;  // SCALE-Sim counts the last cycle as cycle N-1
  tile.cycles = cycles;
  const auto m = static_cast<std::uint64_t>(d.m), n = static_cast<std::uint64_t>(d.n), k = static_cast<std::uint64_t>(d.k);
  const std::uint64_t macs = m * n * k;
  tile.actions.add(integer_ ? Action::mac_int8 : Action::mac_fp32, macs);
  if (ops_.a.flagged) tile.actions.add(Action::mac_int8_flagged, macs);
  tile.actions.add(Action::pe_cycles, cycles * static_cast<std::uint64_t>(arr.rows * arr.cols));
  const auto R = static_cast<std::uint64_t>(arr.rows), C = static_cast<std::uint64_t>(arr.cols);
  std::uint64_t a_reads = 0, b_reads = 0, out_writes = 0, psum_reads = 0;
  const std::uint64_t red_folds = static_cast<std::uint64_t>(fp.reduction_folds);
  switch (arr.dataflow) {
    case Dataflow::os:
      a_reads = m * k * static_cast<std::uint64_t>(ceil_div(d.n, arr.cols));
      b_reads = k * n * static_cast<std::uint64_t>(ceil_div(d.m, arr.rows));
      out_writes = m * n;
      psum_reads = blk.first_reduction ? 0 : m * n;
      break;
    case Dataflow::ws:
      b_reads = k * n;
      a_reads = m * k * static_cast<std::uint64_t>(ceil_div(d.n, arr.cols));
      out_writes = m * n * red_folds;
      psum_reads = m * n * (red_folds - 1 + (blk.first_reduction ? 0 : 1));
      break;
    case Dataflow::is:
      a_reads = m * k;
      b_reads = k * n * static_cast<std::uint64_t>(ceil_div(d.m, arr.cols));
      out_writes = m * n * red_folds;
      psum_reads = m * n * (red_folds - 1 + (blk.first_reduction ? 0 : 1));
      break;
  }
  (void)R;
  (void)C;
  const std::uint64_t out_e = dtype_bytes(ops_.out.data.type);
  ifmap.count_read(a_reads * (a_bytes() + (ops_.a.flagged ? 1 : 0)), tile.actions);
  filter.count_read(b_reads * dtype_bytes(ops_.b.data.type), tile.actions);
  ofmap.count_write(out_writes * out_e, tile.actions);
  ofmap.count_read(psum_reads * out_e, tile.actions);
  tile.actions.add(Action::psum_read, psum_reads);
  if (blk.last_reduction && integer_) tile.actions.add(Action::max_track, m * n);

  if (env.exact()) tile.compute = [this, blk, in_slot, out_slot, &env] { compute(blk, in_slot, out_slot, env); };
  return true;
}

// The im2col address generator: row (n, p, q) of `out` (row length `row_len`)
// gets the `channels` x R x S patch of output pixel (p, q) from the input box
// `box` in SRAM; padding positions stay zero. The filter rows r and columns t
// that fall inside the image depend only on p and q, so they are worked out
// once per output pixel rather than tested per element.
template <typename T, typename Reader>
void GemmKernel::im2col(const ConvBlock& blk, const Reader& in, const Box& box, std::int64_t channels, T* out,
                        std::int64_t row_len) const {
  const ConvShape& s = shape_;
  const std::int64_t Q = s.q();
  for (std::int64_t n = 0; n < blk.nn; ++n)
    for (std::int64_t p = 0; p < blk.ny; ++p) {
      const std::int64_t h_base = (blk.y0 + p) * s.stride - s.pad;  // h = h_base + r
      const std::int64_t r_lo = std::max<std::int64_t>(0, -h_base), r_hi = std::min(s.r, s.h - h_base);
      for (std::int64_t q = 0; q < Q; ++q) {
        T* row = out + ((n * blk.ny + p) * Q + q) * row_len;
        const std::int64_t w_base = q * s.stride - s.pad;  // w = w_base + t
        const std::int64_t t_lo = std::max<std::int64_t>(0, -w_base), t_hi = std::min(s.s, s.w - w_base);
        for (std::int64_t c = 0; c < channels; ++c) {
          const std::int64_t plane = (n * box.nc + c) * box.nh - box.h0;
          for (std::int64_t r = r_lo; r < r_hi; ++r) {
            const std::int64_t src = (plane + h_base + r) * box.nw + w_base;
            T* dst = row + (c * s.r + r) * s.s;
            for (std::int64_t t = t_lo; t < t_hi; ++t) dst[t] = static_cast<T>(in(src + t));
          }
        }
      }
    }
}

// Operand A of a block as a dense m x k matrix (row-major); positions no
// operand reaches stay as they are (zero).
template <typename T, typename Reader>
void GemmKernel::fill_a(const ConvBlock& blk, const Reader& ra, T* a) const {
  const ConvShape& s = shape_;
  const std::int64_t P = s.p(), Q = s.q();
  const GemmDims& d = blk.dims;
  const Box& ab = blk.a;
  switch (pass_) {
    case ConvPass::forward:
      // a[(n, p, q)][(c, r, s)] = x[n][c][p*stride + r - pad][q*stride + s - pad]
      im2col(blk, ra, ab, blk.nr, a, d.k);
      break;
    case ConvPass::backward_data:
      // a[(n, h, w)][(k, r, s)] = dy[n][k][(h + pad - r)/stride][(w + pad - s)/stride] where exact and inside
      for (std::int64_t n = 0; n < blk.nn; ++n)
        for (std::int64_t y = 0; y < blk.ny; ++y)
          for (std::int64_t x = 0; x < s.w; ++x) {
            T* row = a + ((n * blk.ny + y) * s.w + x) * d.k;
            for (std::int64_t r = 0; r < s.r; ++r) {
              const std::int64_t pn = blk.y0 + y + s.pad - r;
              if (pn < 0 || pn % s.stride != 0 || pn / s.stride >= P) continue;
              const std::int64_t p = pn / s.stride;
              for (std::int64_t t = 0; t < s.s; ++t) {
                const std::int64_t qn = x + s.pad - t;
                if (qn < 0 || qn % s.stride != 0 || qn / s.stride >= Q) continue;
                const std::int64_t q = qn / s.stride;
                const std::int64_t src = (n * ab.nc * ab.nh + (p - ab.h0)) * ab.nw + q, step = ab.nh * ab.nw;
                T* dst = row + r * s.s + t;
                const std::int64_t dst_step = s.r * s.s;
                for (std::int64_t k = 0; k < blk.nr; ++k) dst[k * dst_step] = static_cast<T>(ra(src + k * step));
              }
            }
          }
      break;
    case ConvPass::backward_weights:
      // a[k][(n, p, q)] = dy[n][k][p][q]
      for (std::int64_t k = 0; k < blk.nr; ++k)
        for (std::int64_t n = 0; n < blk.nn; ++n) {
          T* dst = a + k * d.k + n * blk.ny * Q;
          const std::int64_t src = (n * ab.nc + k) * blk.ny * Q;
          for (std::int64_t pq = 0; pq < blk.ny * Q; ++pq) dst[pq] = static_cast<T>(ra(src + pq));
        }
      break;
  }
}

// Operand B of a block as a dense k x n matrix (row-major).
template <typename T, typename Reader>
void GemmKernel::fill_b(const ConvBlock& blk, const Reader& rb, T* b) const {
  const ConvShape& s = shape_;
  const std::int64_t RS = s.r * s.s;
  const GemmDims& d = blk.dims;
  const Box& bb = blk.b;
  switch (pass_) {
    case ConvPass::forward:
      // b[(c, r, s)][k] = w[k][c][r][s]
      // (written row by row: a transposing copy whose strided side is the narrow reads)
      for (std::int64_t crs = 0; crs < d.k; ++crs)
        for (std::int64_t k = 0; k < blk.nc; ++k) b[crs * d.n + k] = static_cast<T>(rb(k * d.k + crs));
      break;
    case ConvPass::backward_data:
      // b[(k, r, s)][c] = w[k][c][r][s]
      for (std::int64_t k = 0; k < blk.nr; ++k)
        for (std::int64_t c = 0; c < blk.nc; ++c)
          for (std::int64_t rs = 0; rs < RS; ++rs) b[(k * RS + rs) * d.n + c] = static_cast<T>(rb((k * bb.nc + c) * RS + rs));
      break;
    case ConvPass::backward_weights:
      // b[(n, p, q)][(c, r, s)] = x[n][c][p*stride + r - pad][q*stride + s - pad]
      im2col(blk, rb, bb, blk.nc, b, d.n);
      break;
  }
}

// Operand streams of a block as dense matrices: a is m x k (row-major), b is k x n.
template <typename T>
void GemmKernel::gather(const ConvBlock& blk, const std::uint8_t* a_data, const std::uint8_t* a_flags,
                        const std::uint8_t* b_data, std::vector<T>& a, std::vector<T>& b) const {
  const GemmDims& d = blk.dims;
  a.assign(static_cast<std::size_t>(d.m * d.k), T{});
  b.assign(static_cast<std::size_t>(d.k * d.n), T{});
  if constexpr (std::is_same_v<T, float>) {
    fill_a(blk, FloatReader{a_data}, a.data());
    fill_b(blk, FloatReader{b_data}, b.data());
  } else {
    with_int_reader(ops_.a.data.type, a_data, a_flags, ops_.a.flag_shift, [&](const auto& ra) { fill_a(blk, ra, a.data()); });
    with_int_reader(ops_.b.data.type, b_data, nullptr, 0, [&](const auto& rb) { fill_b(blk, rb, b.data()); });
  }
}

namespace {

// Scratch matrices of the block being computed, kept between blocks (and
// kernels) so that each block does not allocate and fault in fresh pages.
struct Scratch {
  std::vector<std::int32_t> a, b, acc, a_pairs;
  std::vector<std::int16_t> b_pairs;
  std::vector<float> fa, fb;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

#ifdef QTSIM_HW_GEMM_PAIRS
// The exact fast path of an integer block whose operands fit int16 and whose
// partial sums cannot leave int32 (so the order of additions does not matter):
// B is packed as k-pairs, b_pairs[((p * Np) + j) * 2 + {0, 1}] = b[2p][j],
// b[2p + 1][j] (zero past K and N), and each output row accumulates pairwise
// int16 dot products (pmaddwd / vpdpwssd) in int32 lanes, several vectors of
// columns held in registers across the whole reduction.
#if QTSIM_HW_GEMM_PAIRS == 512
using PairVec = __m512i;
constexpr std::size_t kPairLanes = 16;
inline PairVec pv_load(const void* p) { return _mm512_loadu_si512(p); }
inline void pv_store(void* p, PairVec v) { _mm512_storeu_si512(p, v); }
inline PairVec pv_broadcast(std::int32_t v) { return _mm512_set1_epi32(v); }
inline PairVec pv_dot_add(PairVec acc, PairVec a, PairVec b) {
#ifdef __AVX512VNNI__
  return _mm512_dpwssd_epi32(acc, a, b);
#else
  return _mm512_add_epi32(acc, _mm512_madd_epi16(a, b));
#endif
}
#else
using PairVec = __m256i;
constexpr std::size_t kPairLanes = 8;
inline PairVec pv_load(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
inline void pv_store(void* p, PairVec v) { _mm256_storeu_si256(static_cast<__m256i*>(p), v); }
inline PairVec pv_broadcast(std::int32_t v) { return _mm256_set1_epi32(v); }
inline PairVec pv_dot_add(PairVec acc, PairVec a, PairVec b) { return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b)); }
#endif

// A tile of Rows output rows x Vecs vectors of columns from column j0:
// acc[r * np + j] += sum over p of a_pairs[r * kp + p] . b_pairs row p, held in
// registers across the whole reduction (independent chains hide the latency).
template <int Rows, int Vecs>
inline void pair_tile(std::size_t kp, std::size_t np, std::size_t j0, const std::int32_t* a_pairs,
                      const std::int16_t* b_pairs, std::int32_t* acc) {
  PairVec c[Rows][Vecs];
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) c[r][v] = pv_load(acc + r * np + j0 + v * kPairLanes);
  const std::int16_t* bp = b_pairs + 2 * j0;
  for (std::size_t p = 0; p < kp; ++p, bp += 2 * np) {
    PairVec bv[Vecs];
    for (int v = 0; v < Vecs; ++v) bv[v] = pv_load(bp + 2 * v * kPairLanes);
    for (int r = 0; r < Rows; ++r) {
      const PairVec w = pv_broadcast(a_pairs[r * kp + p]);
      for (int v = 0; v < Vecs; ++v) c[r][v] = pv_dot_add(c[r][v], w, bv[v]);
    }
  }
  for (int r = 0; r < Rows; ++r)
    for (int v = 0; v < Vecs; ++v) pv_store(acc + r * np + j0 + v * kPairLanes, c[r][v]);
}

// All np columns of Rows rows.
template <int Rows>
inline void pair_rows(std::size_t kp, std::size_t np, const std::int32_t* a_pairs, const std::int16_t* b_pairs,
                      std::int32_t* acc) {
  std::size_t j0 = 0;
  for (; j0 + 4 * kPairLanes <= np; j0 += 4 * kPairLanes) pair_tile<Rows, 4>(kp, np, j0, a_pairs, b_pairs, acc);
  if (j0 + 2 * kPairLanes <= np) {
    pair_tile<Rows, 2>(kp, np, j0, a_pairs, b_pairs, acc);
    j0 += 2 * kPairLanes;
  }
  if (j0 < np) pair_tile<Rows, 1>(kp, np, j0, a_pairs, b_pairs, acc);
}
#endif

}  // namespace

namespace {

// Where output (i, j) of a block sits in the block's output box (NCHW-dense).
struct OutIndex {
  ConvPass pass;
  std::int64_t ny, nc, width, rs;  // spatial rows, columns, row width (Q or W), R*S
  std::int64_t operator()(std::int64_t i, std::int64_t j) const { return row_base(i) + j * col_step(); }
  // (i, j) sits at row_base(i) + j * col_step().
  std::int64_t row_base(std::int64_t i) const {
    if (pass == ConvPass::backward_weights) return i * nc * rs;
    const std::int64_t n = i / (ny * width), yx = i % (ny * width);
    return n * nc * ny * width + yx;
  }
  std::int64_t col_step() const { return pass == ConvPass::backward_weights ? 1 : ny * width; }
};

}  // namespace

void GemmKernel::compute(const ConvBlock& blk, int in_slot, int out_slot, KernelEnv& env) {
  SramBuffer& ifmap = *env.buffers.ifmap;
  SramBuffer& filter = *env.buffers.filter;
  SramBuffer& ofmap = *env.buffers.ofmap;
  const GemmDims& d = blk.dims;
  const std::uint64_t a_data_bytes = static_cast<std::uint64_t>(blk.a.numel()) * a_bytes();
  const std::uint8_t* a_data = ifmap.at(ifmap.slot_base(in_slot), a_data_bytes);
  const std::uint8_t* a_flags =
      ops_.a.flagged ? ifmap.at(ifmap.slot_base(in_slot) + align8(a_data_bytes), static_cast<std::uint64_t>(blk.a.numel())) : nullptr;
  const std::uint8_t* b_data =
      filter.at(filter.slot_base(in_slot), static_cast<std::uint64_t>(blk.b.numel()) * dtype_bytes(ops_.b.data.type));
  std::uint8_t* out = ofmap.at(ofmap.slot_base(out_slot), static_cast<std::uint64_t>(blk.out.numel()) * 4);
  const OutIndex at{pass_, blk.ny, pass_ == ConvPass::backward_weights ? blk.nc : blk.nc,
                    pass_ == ConvPass::backward_data ? shape_.w : shape_.q(), shape_.r * shape_.s};
  const std::size_t M = static_cast<std::size_t>(d.m), N = static_cast<std::size_t>(d.n), K = static_cast<std::size_t>(d.k);

  if (!integer_ && per_tap_sums(pass_, shape_, ops_.out)) {
    std::vector<float>& a = scratch().fa;
    std::vector<float>& b = scratch().fb;
    gather(blk, a_data, nullptr, b_data, a, b);
    compute_float_per_tap(blk, a, b, out, [&](std::int64_t i, std::int64_t j) { return at(i, j); });
    return;
  }
  if (!integer_) {
    std::vector<float>& a = scratch().fa;
    std::vector<float>& b = scratch().fb;
    gather(blk, a_data, nullptr, b_data, a, b);
    std::vector<float> acc(N);
    for (std::size_t i = 0; i < M; ++i) {
      for (std::size_t j = 0; j < N; ++j) acc[j] = blk.first_reduction ? 0.0f : load_float(out, at(static_cast<std::int64_t>(i), static_cast<std::int64_t>(j)));
      // Each output's sum runs in reduction order, one rounding per addition.
      for (std::size_t kk = 0; kk < K; ++kk) {
        const float av = a[i * K + kk];
        const float* brow = b.data() + kk * N;
        for (std::size_t j = 0; j < N; ++j) acc[j] = acc[j] + av * brow[j];
      }
      for (std::size_t j = 0; j < N; ++j) std::memcpy(out + 4 * at(static_cast<std::int64_t>(i), static_cast<std::int64_t>(j)), &acc[j], 4);
    }
    return;
  }

  Scratch& sc = scratch();
  std::vector<std::int32_t>& a = sc.a;
  std::vector<std::int32_t>& b = sc.b;
  gather(blk, a_data, a_flags, b_data, a, b);
  const int bits = config_.array.accumulator_bits;
  // Saturation is to the symmetric range +-(2^(bits-1) - 1) (docs/NUMERICS.md §1, §5).
  const std::int64_t acc_max = (std::int64_t{1} << (bits - 1)) - 1, acc_min = -acc_max;
  std::uint64_t max_a = 0, max_b = 0;
  for (std::int32_t v : a) max_a = std::max<std::uint64_t>(max_a, static_cast<std::uint64_t>(v < 0 ? -static_cast<std::int64_t>(v) : v));
  for (std::int32_t v : b) max_b = std::max<std::uint64_t>(max_b, static_cast<std::uint64_t>(v < 0 ? -static_cast<std::int64_t>(v) : v));
  const std::uint64_t psum_max = blk.first_reduction ? 0 : out_psum_max_[out_slot];
  // When no partial sum can leave the accumulator's range the order of additions
  // does not matter and 32-bit arithmetic is exact; otherwise every addition
  // saturates (or wraps) in reduction order, as the array's adders do.
  const unsigned __int128 bound = static_cast<unsigned __int128>(max_a) * max_b * K + psum_max;
  const bool fast = bound <= static_cast<unsigned __int128>(acc_max);
  std::uint64_t block_max = 0, saturations = 0;
#ifdef QTSIM_HW_GEMM_PAIRS
  if (fast && bound <= static_cast<unsigned __int128>(std::numeric_limits<std::int32_t>::max()) && max_a <= 32767 &&
      max_b <= 32767) {
    const std::size_t KP = (K + 1) / 2, NP = (N + kPairLanes - 1) / kPairLanes * kPairLanes;
    std::vector<std::int16_t>& bp = sc.b_pairs;
    bp.assign(KP * NP * 2, 0);
    for (std::size_t kk = 0; kk < K; ++kk) {
      const std::int32_t* brow = b.data() + kk * N;
      std::int16_t* dst = bp.data() + (kk / 2) * NP * 2 + (kk & 1);
      for (std::size_t j = 0; j < N; ++j) dst[2 * j] = static_cast<std::int16_t>(brow[j]);
    }
    constexpr std::size_t kRows = 4;
    std::vector<std::int32_t>& ap = sc.a_pairs;
    std::vector<std::int32_t>& acc = sc.acc;
    ap.assign(kRows * KP, 0);
    acc.assign(kRows * NP, 0);
    for (std::size_t i0 = 0; i0 < M; i0 += kRows) {
      const std::size_t rows = std::min(kRows, M - i0);
      for (std::size_t r = 0; r < rows; ++r) {
        const std::int32_t* arow = a.data() + (i0 + r) * K;
        std::int32_t* apr = ap.data() + r * KP;
        for (std::size_t p = 0; p < K / 2; ++p)
          apr[p] = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint16_t>(arow[2 * p])) |
                                             static_cast<std::uint32_t>(static_cast<std::uint16_t>(arow[2 * p + 1])) << 16);
        if (K % 2) apr[KP - 1] = static_cast<std::int32_t>(static_cast<std::uint16_t>(arow[K - 1]));
        std::int32_t* accr = acc.data() + r * NP;
        const std::int64_t base = at.row_base(static_cast<std::int64_t>(i0 + r)), step = at.col_step();
        if (blk.first_reduction)
          std::fill(accr, accr + N, 0);
        else
          for (std::size_t j = 0; j < N; ++j) std::memcpy(&accr[j], out + 4 * (base + static_cast<std::int64_t>(j) * step), 4);
      }
      if (rows == kRows)
        pair_rows<kRows>(KP, NP, ap.data(), bp.data(), acc.data());
      else
        for (std::size_t r = 0; r < rows; ++r) pair_rows<1>(KP, NP, ap.data() + r * KP, bp.data(), acc.data() + r * NP);
      for (std::size_t r = 0; r < rows; ++r) {
        const std::int32_t* accr = acc.data() + r * NP;
        const std::int64_t base = at.row_base(static_cast<std::int64_t>(i0 + r)), step = at.col_step();
        std::uint64_t row_max = 0;
        for (std::size_t j = 0; j < N; ++j) {
          const std::int32_t v = accr[j];
          std::memcpy(out + 4 * (base + static_cast<std::int64_t>(j) * step), &v, 4);
          row_max = std::max<std::uint64_t>(row_max, static_cast<std::uint64_t>(v < 0 ? -static_cast<std::int64_t>(v) : v));
        }
        block_max = std::max(block_max, row_max);
      }
    }
    out_psum_max_[out_slot] = block_max;
    if (blk.last_reduction) max_abs_ = std::max(max_abs_, block_max);
    return;
  }
#endif
  std::vector<std::int64_t> acc(N);
  std::vector<std::int32_t> acc32(N);
  for (std::size_t i = 0; i < M; ++i) {
    for (std::size_t j = 0; j < N; ++j) {
      std::int32_t v = 0;
      if (!blk.first_reduction) std::memcpy(&v, out + 4 * at(static_cast<std::int64_t>(i), static_cast<std::int64_t>(j)), 4);
      acc[j] = v;
    }
    if (fast) {
      std::copy(acc.begin(), acc.end(), acc32.begin());
      for (std::size_t kk = 0; kk < K; ++kk) {
        const std::int32_t av = a[i * K + kk];
        if (av == 0) continue;
        const std::int32_t* brow = b.data() + kk * N;
        for (std::size_t j = 0; j < N; ++j) acc32[j] += av * brow[j];
      }
      std::copy(acc32.begin(), acc32.end(), acc.begin());
    } else {
      const bool saturate = config_.array.accumulator_saturates;
      const std::uint64_t modulus_mask = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
      for (std::size_t kk = 0; kk < K; ++kk) {
        const std::int64_t av = a[i * K + kk];
        const std::int32_t* brow = b.data() + kk * N;
        for (std::size_t j = 0; j < N; ++j) {
          std::int64_t s = acc[j] + av * brow[j];
          if (s > acc_max || s < (saturate ? acc_min : acc_min - 1)) {
            ++saturations;
            if (saturate) {
              s = s > acc_max ? acc_max : acc_min;
            } else {  // two's complement wrap-around at `bits`
              std::uint64_t u = static_cast<std::uint64_t>(s) & modulus_mask;
              if (u >> (bits - 1)) u |= ~modulus_mask;
              s = static_cast<std::int64_t>(u);
            }
          }
          acc[j] = s;
        }
      }
    }
    for (std::size_t j = 0; j < N; ++j) {
      const auto v = static_cast<std::int32_t>(acc[j]);
      std::memcpy(out + 4 * at(static_cast<std::int64_t>(i), static_cast<std::int64_t>(j)), &v, 4);
      block_max = std::max<std::uint64_t>(block_max, static_cast<std::uint64_t>(v < 0 ? -static_cast<std::int64_t>(v) : v));
    }
  }
  out_psum_max_[out_slot] = block_max;
  if (blk.last_reduction) max_abs_ = std::max(max_abs_, block_max);
  env.events->accumulator_saturations += saturations;
}

void GemmKernel::compute_float_per_tap(const ConvBlock& blk, const std::vector<float>& a, const std::vector<float>& b,
                                       std::uint8_t* out, const std::function<std::int64_t(std::int64_t, std::int64_t)>& at) const {
  const ConvShape& s = shape_;
  const std::int64_t P = s.p(), Q = s.q(), K = blk.dims.k, N = blk.dims.n;
  std::vector<float> acc(static_cast<std::size_t>(N)), tap(static_cast<std::size_t>(N));
  for (std::int64_t n = 0; n < blk.nn; ++n)
    for (std::int64_t y = 0; y < blk.ny; ++y)
      for (std::int64_t x = 0; x < s.w; ++x) {
        const std::int64_t i = (n * blk.ny + y) * s.w + x;
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (std::int64_t r = 0; r < s.r; ++r) {
          const std::int64_t pn = blk.y0 + y + s.pad - r;
          if (pn < 0 || pn % s.stride != 0 || pn / s.stride >= P) continue;
          for (std::int64_t t = 0; t < s.s; ++t) {
            const std::int64_t qn = x + s.pad - t;
            if (qn < 0 || qn % s.stride != 0 || qn / s.stride >= Q) continue;
            std::fill(tap.begin(), tap.end(), 0.0f);
            for (std::int64_t k = 0; k < blk.nr; ++k) {
              const std::int64_t red = (k * s.r + r) * s.s + t;
              const float av = a[static_cast<std::size_t>(i * K + red)];
              const float* brow = b.data() + red * N;
              for (std::int64_t j = 0; j < N; ++j) tap[static_cast<std::size_t>(j)] = tap[static_cast<std::size_t>(j)] + av * brow[j];
            }
            for (std::int64_t j = 0; j < N; ++j) acc[static_cast<std::size_t>(j)] = acc[static_cast<std::size_t>(j)] + tap[static_cast<std::size_t>(j)];
          }
        }
        for (std::int64_t j = 0; j < N; ++j) std::memcpy(out + 4 * at(i, j), &acc[static_cast<std::size_t>(j)], 4);
      }
}

}  // namespace qtsim::hw
