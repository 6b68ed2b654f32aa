#include "operand_feeders.hpp"

#include <cstring>
#include <type_traits>

#include "models/hw/host/tensor_io.hpp"

namespace qtsim::hw {

namespace {

// Element i of an operand in SRAM, widened for the array. The element type is a
// template parameter for the common int8/int16/int32 sources (one load per
// element, inlined); other integer types go through load_element. Every reader
// gives the same value for the same element.
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
  float operator()(std::int64_t i) const {
    float v;
    std::memcpy(&v, data + 4 * i, 4);
    return v;
  }
};

// Calls f(reader) with the reader for the operand.
template <typename T, typename F>
void with_reader(const OperandInSram& op, F&& f) {
  if constexpr (std::is_same_v<T, float>) {
    f(FloatReader{op.data});
  } else if (op.flags) {
    if (op.type == DType::i8) f(TypedReader<std::int8_t, true>{op.data, op.flags, op.flag_shift});
    else f(GenericReader{op.data, op.flags, op.type, op.flag_shift});
  } else {
    switch (op.type) {
      case DType::i8: f(TypedReader<std::int8_t, false>{op.data, nullptr, 0}); break;
      case DType::i16: f(TypedReader<std::int16_t, false>{op.data, nullptr, 0}); break;
      case DType::i32: f(TypedReader<std::int32_t, false>{op.data, nullptr, 0}); break;
      default: f(GenericReader{op.data, nullptr, op.type, 0}); break;
    }
  }
}

// A flat index (a * d1 + b) * d2 + c walked one step at a time (c fastest).
struct Cursor {
  std::int64_t a, b, c, d1, d2;
  Cursor(std::int64_t flat, std::int64_t dim1, std::int64_t dim2)
      : a(flat / (dim1 * dim2)), b(flat / dim2 % dim1), c(flat % dim2), d1(dim1), d2(dim2) {}
  void next() {
    if (++c == d2) {
      c = 0;
      if (++b == d1) {
        b = 0;
        ++a;
      }
    }
  }
};

// Offset of (n, c, h, w) in a box whose data starts at `base` (elements).
std::int64_t in_box(const Box& b, std::int64_t base, std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w) {
  return base + (((n - b.n0) * b.nc + (c - b.c0)) * b.nh + (h - b.h0)) * b.nw + (w - b.w0);
}

// An image's box, looked up again only when the image changes.
struct ImageBox {
  const BoxSet& set;
  std::int64_t image = -1, base = 0;
  const Box* box = nullptr;
  const Box& of(std::int64_t n) {
    if (n != image) {
      box = &set.box_of_image(n, base);
      image = n;
    }
    return *box;
  }
};

// x at output pixel (n, p, q)'s window position (r, t) of channel c, or the
// padding zero (h_base, w_base: the window's top-left corner in x).
template <typename T, typename Reader>
T input_tap(const ConvShape& s, ImageBox& img, const Reader& rd, std::int64_t n, std::int64_t c, std::int64_t h_base,
            std::int64_t w_base, std::int64_t r, std::int64_t t) {
  const std::int64_t h = h_base + r, w = w_base + t;
  if (h < 0 || h >= s.h || w < 0 || w >= s.w) return T{};
  const Box& b = img.of(n);  // before reading img.base, which it updates
  return static_cast<T>(rd(in_box(b, img.base, n, c, h, w)));
}

template <typename T, typename Reader>
void fill_a(const GemmGeometry& g, const GemmTile& t, const BoxSet& boxes, const Reader& rd, T* out) {
  const ConvShape& s = g.shape();
  const std::int64_t tk = t.k.size(), P = s.p(), Q = s.q();
  const GroupOffsets at = g.group_offsets(t.group);  // the indices below count within the group
  ImageBox img{boxes};
  switch (g.pass()) {
    case ConvPass::forward: {  // a[(n, p, q)][(c, r, s)] = x[n][c][p*stride + r - pad][q*stride + s - pad]
      Cursor m(t.m.lo, P, Q);
      for (std::int64_t i = 0; i < t.m.size(); ++i, m.next()) {
        const std::int64_t h_base = m.b * s.stride - s.pad, w_base = m.c * s.stride - s.pad;
        T* row = out + i * tk;
        Cursor k(t.k.lo, s.r, s.s);
        for (std::int64_t kk = 0; kk < tk; ++kk, k.next())
          row[kk] = input_tap<T>(s, img, rd, m.a, at.x_channel + k.a, h_base, w_base, k.b, k.c);
      }
      break;
    }
    case ConvPass::backward_data: {  // a[(n, h, w)][(k, r, s)] = dy[n][k][(h + pad - r)/stride][(w + pad - s)/stride]
      Cursor m(t.m.lo, s.h, s.w);
      for (std::int64_t i = 0; i < t.m.size(); ++i, m.next()) {
        const Box& b = img.of(m.a);
        T* row = out + i * tk;
        Cursor k(t.k.lo, s.r, s.s);
        for (std::int64_t kk = 0; kk < tk; ++kk, k.next()) {
          const std::int64_t pn = m.b + s.pad - k.b, qn = m.c + s.pad - k.c;
          const bool on_grid = pn >= 0 && qn >= 0 && pn % s.stride == 0 && qn % s.stride == 0 && pn / s.stride < P &&
                               qn / s.stride < Q;
          row[kk] = on_grid ? static_cast<T>(rd(in_box(b, img.base, m.a, at.y_channel + k.a, pn / s.stride, qn / s.stride))) : T{};
        }
      }
      break;
    }
    case ConvPass::backward_weights: {  // a[k][(n, p, q)] = dy[n][k][p][q]
      for (std::int64_t i = 0; i < t.m.size(); ++i) {
        T* row = out + i * tk;
        Cursor k(t.k.lo, P, Q);
        for (std::int64_t kk = 0; kk < tk; ++kk, k.next()) {
          const Box& b = img.of(k.a);
          row[kk] = static_cast<T>(rd(in_box(b, img.base, k.a, at.y_channel + t.m.lo + i, k.b, k.c)));
        }
      }
      break;
    }
  }
}

template <typename T, typename Reader>
void fill_b(const GemmGeometry& g, const GemmTile& t, const BoxSet& boxes, const Reader& rd, T* out) {
  const ConvShape& s = g.shape();
  const std::int64_t tn = t.n.size(), P = s.p(), Q = s.q();
  const GroupOffsets at = g.group_offsets(t.group);  // the indices below count within the group
  ImageBox img{boxes};
  switch (g.pass()) {
    case ConvPass::forward:          // b[(c, r, s)][k] = w[k][c][r][s]
    case ConvPass::backward_data: {  // b[(k, r, s)][c] = w[k][c][r][s]
      const Box& b = boxes.boxes.front();
      const bool fwd = g.pass() == ConvPass::forward;
      Cursor k(t.k.lo, s.r, s.s);
      for (std::int64_t kk = 0; kk < t.k.size(); ++kk, k.next()) {
        T* row = out + kk * tn;
        for (std::int64_t j = 0; j < tn; ++j) {
          const std::int64_t col = t.n.lo + j;
          row[j] = static_cast<T>(rd(fwd ? in_box(b, 0, at.y_channel + col, k.a, k.b, k.c)
                                         : in_box(b, 0, at.y_channel + k.a, col, k.b, k.c)));
        }
      }
      break;
    }
    case ConvPass::backward_weights: {  // b[(n, p, q)][(c, r, s)] = x[n][c][p*stride + r - pad][q*stride + s - pad]
      Cursor k(t.k.lo, P, Q);
      for (std::int64_t kk = 0; kk < t.k.size(); ++kk, k.next()) {
        const std::int64_t h_base = k.b * s.stride - s.pad, w_base = k.c * s.stride - s.pad;
        T* row = out + kk * tn;
        Cursor n(t.n.lo, s.r, s.s);
        for (std::int64_t j = 0; j < tn; ++j, n.next())
          row[j] = input_tap<T>(s, img, rd, k.a, at.x_channel + n.a, h_base, w_base, n.b, n.c);
      }
      break;
    }
  }
}

}  // namespace

template <typename T>
void feed_a(const GemmGeometry& g, const GemmTile& t, const OperandInSram& a, std::vector<T>& out) {
  out.resize(static_cast<std::size_t>(t.m.size() * t.k.size()));
  with_reader<T>(a, [&](const auto& rd) { fill_a(g, t, *a.boxes, rd, out.data()); });
}

template <typename T>
void feed_b(const GemmGeometry& g, const GemmTile& t, const OperandInSram& b, std::vector<T>& out) {
  out.resize(static_cast<std::size_t>(t.k.size() * t.n.size()));
  with_reader<T>(b, [&](const auto& rd) { fill_b(g, t, *b.boxes, rd, out.data()); });
}

template void feed_a<std::int32_t>(const GemmGeometry&, const GemmTile&, const OperandInSram&, std::vector<std::int32_t>&);
template void feed_a<float>(const GemmGeometry&, const GemmTile&, const OperandInSram&, std::vector<float>&);
template void feed_b<std::int32_t>(const GemmGeometry&, const GemmTile&, const OperandInSram&, std::vector<std::int32_t>&);
template void feed_b<float>(const GemmGeometry&, const GemmTile&, const OperandInSram&, std::vector<float>&);

}  // namespace qtsim::hw
