#pragma once
// A learnable synthetic data set for tests and smoke runs: every class has a
// fixed smooth random prototype image, and each sample is its class prototype
// at a random amplitude plus noise. Generated from rand32 with integer and
// basic float arithmetic only (no std:: distributions, no libm), so the bits
// are the same on every platform and compiler (the project builds with
// -ffp-contract=off, so no fused multiply-adds change the rounding).
//
// Exact rule (all float arithmetic is IEEE single precision, in the order written):
//   u(S, k) = float(rand32(seed, S, k) >> 8) * 2^-24                      uniform in [0, 1)
//   g(S, k) = float(int32(sum_{t=0..3} (rand32(seed, S, 4k + t) >> 8)) - 2^25) * (1.7320508f * 2^-24)
//             (Irwin–Hall: four uniforms summed in integers, centred, scaled to unit variance)
//   Streams: syn(part, s) = lowbias32(lowbias32(s) ^ (0x5D000000 + part)), defined here
//   rather than with ref::stream_id so renumbering the network's streams does
//   not change the data set:
//     P    = syn(0, 0)   class prototypes
//     A    = syn(1, 0)   sample amplitudes
//     N(s) = syn(2, s)   noise of sample s
//     L    = syn(3, 0)   label shuffle
//   Sample numbers: training sample i is s = i, test sample i is s = 2^31 + i,
//   so the two splits draw from disjoint index ranges of A and L and disjoint
//   noise streams: they never share a random word, and the test set does not
//   depend on the training set's size.
//   Prototypes: a coarse grid Gh = min(H, 4), Gw = min(W, 4) per class and channel,
//     c[k][ch][gy][gx] = g(P, ((k*C + ch)*Gh + gy)*Gw + gx),
//   bilinearly upsampled to H x W (low frequencies, which a conv learns quickly):
//     ny = y*(Gh-1); y0 = ny / (H-1); fy = float(ny % (H-1)) / float(H-1); y1 = min(y0+1, Gh-1)
//     (y0 = 0 and fy = 0 when H == 1; x0, fx, x1 likewise with W and Gw)
//     p[k][ch][y][x] = (1-fy)*((1-fx)*c[y0][x0] + fx*c[y0][x1]) + fy*((1-fx)*c[y1][x0] + fx*c[y1][x1])
//   Labels of a split of n samples: label[i] = i % classes (balanced), then
//     Fisher–Yates from the end (shuffle.hpp) with j = rand32(seed, L, base + i) % (i + 1),
//     base = 0 for training, 2^31 for test.
//   Sample s with label k, element e (flat C,H,W index):
//     a = 0.5f + u(A, s);   x[e] = a * p[k][e] + 0.5f * g(N(s), e)
#include <cstdint>

#include "dataset.hpp"
#include "models/ref/shape.hpp"

namespace qtsim::data {

// sample_shape is {C, H, W}. Throws input::InputError (file "synthetic data
// set") for a shape that is not three positive dimensions (at most 2^28
// elements), classes < 1, train_size < 1, test_size < 0, or a size >= 2^31.
DatasetPair make_synthetic(ref::Shape sample_shape, int classes, std::int64_t train_size, std::int64_t test_size,
                           std::uint32_t seed);

}  // namespace qtsim::data
