#pragma once
// Convolutions without a patch matrix ("virtual grid" implicit GEMM), internal to
// conv*.cpp.
//
// Each image's input is copied once into zero-padded planes; a stride-s conv
// reads s*s phase planes (phase (a, b) holds padded rows a, a+s, ... and columns
// b, b+s, ...), so every tap (r, s) of every output row is a shifted view of one
// plane. Output pixel (p, q) of an image is virtual pixel t = p * Wv + q of a
// grid as wide as a phase plane (Wv >= Q); the columns q >= Q are computed and
// dropped, or contribute zeros to sums over pixels. A kernel then multiplies
// contiguous runs of virtual pixels by broadcast weights with no lowering pass.
//
// Integer passes multiply int16 operands in pairs (vpdpwssd) into int32 over
// k blocks that cannot overflow, so they are exact; the caller uses them only
// when no partial sum can leave the accumulator range (any order is then exact,
// docs/NUMERICS.md §5). They return false, with the output unspecified, when an
// operand element exceeds the bound the caller stated (checked while packing).
// Float passes keep the canonical orders bit for bit: each output is the
// sequential sum from 0.0f of its products in (c, r, s) order (forward),
// (k, r, s) (backward-data, stride 1) or (n, p, q) (backward-weights).
#include <cstdint>

#include "im2col.hpp"

namespace qtsim::ref::vgrid {

// Integer operands: values of at most 16 significant bits (|v| <= max_* <= 32767).
bool int_forward(const std::int32_t* x, std::uint64_t max_x, const std::int32_t* w, std::uint64_t max_w,
                 const ConvGeometry& g, std::int64_t* y);
// Any stride and padding (one phase of dx per stride phase).
bool int_backward_data(const std::int32_t* dy, std::uint64_t max_dy, const std::int32_t* w, std::uint64_t max_w,
                       const ConvGeometry& g, std::int64_t* dx);
bool int_backward_weights(const std::int32_t* x, std::uint64_t max_x, const std::int32_t* dy, std::uint64_t max_dy,
                          const ConvGeometry& g, std::int64_t* dw);

void float_forward(const float* x, const float* w, const ConvGeometry& g, float* y);
// Backward-data in the orders of the reference: stride 1 with pad < R is the
// forward conv of dy with flipped, channel-swapped weights, one sum over (k, r, s)
// (taps outside dy add 0 * w); otherwise (GEMM + col2im order) each tap's sum over
// k, from 0.0f, is added to the element in (r, s) order for the taps inside dy.
// The latter needs finite weights; supported() says whether this path applies.
bool float_backward_data_supported(const ConvGeometry& g, const float* w);
void float_backward_data(const float* dy, const float* w, const ConvGeometry& g, float* dx);
void float_backward_weights(const float* x, const float* dy, const ConvGeometry& g, float* dw);

}  // namespace qtsim::ref::vgrid
