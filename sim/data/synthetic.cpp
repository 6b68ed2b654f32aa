#include "synthetic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "models/ref/random_bits.hpp"
#include "shuffle.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::data {

namespace {

using ref::lowbias32;
using ref::rand32;

constexpr const char* kSource = "synthetic data set";
constexpr std::uint32_t kStreamSalt = 0x5D000000U;
constexpr std::uint32_t kTestSampleBase = 0x80000000U;
constexpr std::int64_t kMaxSplitSize = std::int64_t{1} << 31;
constexpr std::int64_t kMaxSampleNumel = std::int64_t{1} << 28;  // 4 words per element stay in 32-bit indices
constexpr std::int64_t kCoarseGrid = 4;
constexpr float kTwoPowMinus24 = 0x1p-24f;
constexpr float kNormalScale = 1.7320508f * 0x1p-24f;  // sqrt(3) / 2^24, exact power-of-two scaling
constexpr float kAmplitudeBase = 0.5f;
constexpr float kNoiseScale = 0.5f;

constexpr std::uint32_t synthetic_stream(std::uint32_t part, std::uint32_t sample) {
  return lowbias32(lowbias32(sample) ^ (kStreamSalt + part));
}

struct Streams {
  std::uint32_t seed;
  std::uint32_t prototype = synthetic_stream(0, 0);
  std::uint32_t amplitude = synthetic_stream(1, 0);
  std::uint32_t label = synthetic_stream(3, 0);
  std::uint32_t noise(std::uint32_t sample) const { return synthetic_stream(2, sample); }

  float uniform(std::uint32_t stream, std::uint32_t k) const {
    return static_cast<float>(rand32(seed, stream, k) >> 8) * kTwoPowMinus24;
  }
  float normal(std::uint32_t stream, std::uint32_t k) const { return normal_keyed(key(stream), k); }
  // rand32(seed, stream, i) = lowbias32(i ^ key(stream)): loops over one stream
  // hash the key once instead of per word.
  std::uint32_t key(std::uint32_t stream) const { return lowbias32(stream ^ lowbias32(seed)); }
  static float normal_keyed(std::uint32_t key, std::uint32_t k) {
    std::int32_t sum = 0;
    for (std::uint32_t t = 0; t < 4; ++t) sum += static_cast<std::int32_t>(lowbias32((4U * k + t) ^ key) >> 8);
    return static_cast<float>(sum - (std::int32_t{1} << 25)) * kNormalScale;
  }
};

void check_arguments(const ref::Shape& shape, int classes, std::int64_t train_size, std::int64_t test_size) {
  input::DiagnosticList problems(kSource);
  const bool dims_positive = std::all_of(shape.dims.begin(), shape.dims.end(), [](std::int64_t d) { return d >= 1; });
  if (shape.rank() != 3 || !dims_positive) {
    problems.add("sample_shape", "three positive dimensions C, H, W", shape.str());
  } else if (shape.numel() > kMaxSampleNumel) {
    problems.add("sample_shape", "at most 2^28 elements per sample", fmt::format("{} ({})", shape.str(), shape.numel()));
  }
  if (classes < 1) problems.add("classes", "an integer >= 1", std::to_string(classes));
  if (train_size < 1 || train_size >= kMaxSplitSize) {
    problems.add("train_size", "an integer in 1 .. 2^31 - 1", std::to_string(train_size));
  }
  if (test_size < 0 || test_size >= kMaxSplitSize) {
    problems.add("test_size", "an integer in 0 .. 2^31 - 1", std::to_string(test_size));
  }
  problems.throw_if_any();
}

// One axis of the bilinear upsampling: source cells i0, i1 and the weight of i1.
struct Tap {
  std::int64_t i0, i1;
  float f;
};

Tap upsample_tap(std::int64_t pos, std::int64_t size, std::int64_t grid) {
  if (size == 1) return {0, 0, 0.0f};
  const std::int64_t scaled = pos * (grid - 1);
  const std::int64_t i0 = scaled / (size - 1);
  return {i0, std::min(i0 + 1, grid - 1), static_cast<float>(scaled % (size - 1)) / static_cast<float>(size - 1)};
}

// The prototype of class k, C*H*W values: a coarse normal grid per channel,
// bilinearly upsampled.
void make_prototype(const Streams& rng, const ref::Shape& shape, std::int64_t k, float* out) {
  const std::int64_t channels = shape[0], height = shape[1], width = shape[2];
  const std::int64_t grid_h = std::min(height, kCoarseGrid), grid_w = std::min(width, kCoarseGrid);
  std::vector<float> coarse(static_cast<std::size_t>(grid_h * grid_w));
  for (std::int64_t ch = 0; ch < channels; ++ch) {
    const std::int64_t grid_base = (k * channels + ch) * grid_h * grid_w;
    for (std::int64_t g = 0; g < grid_h * grid_w; ++g) {
      coarse[static_cast<std::size_t>(g)] = rng.normal(rng.prototype, static_cast<std::uint32_t>(grid_base + g));
    }
    auto at = [&](std::int64_t gy, std::int64_t gx) { return coarse[static_cast<std::size_t>(gy * grid_w + gx)]; };
    for (std::int64_t y = 0; y < height; ++y) {
      const Tap ty = upsample_tap(y, height, grid_h);
      for (std::int64_t x = 0; x < width; ++x) {
        const Tap tx = upsample_tap(x, width, grid_w);
        const float top = (1.0f - tx.f) * at(ty.i0, tx.i0) + tx.f * at(ty.i0, tx.i1);
        const float bottom = (1.0f - tx.f) * at(ty.i1, tx.i0) + tx.f * at(ty.i1, tx.i1);
        *out++ = (1.0f - ty.f) * top + ty.f * bottom;
      }
    }
  }
}

// Class prototypes, each made the first time a sample of its class needs it
// (ImageNet-shaped sets have far more classes than a short run has samples).
class Prototypes {
 public:
  Prototypes(const Streams& rng, const ref::Shape& shape, int classes)
      : rng_(rng), shape_(shape), made_(static_cast<std::size_t>(classes)) {}
  const float* of(int k) {
    std::vector<float>& p = made_[static_cast<std::size_t>(k)];
    if (p.empty()) {
      p.resize(static_cast<std::size_t>(shape_.numel()));
      make_prototype(rng_, shape_, k, p.data());
    }
    return p.data();
  }

 private:
  const Streams& rng_;
  const ref::Shape& shape_;
  std::vector<std::vector<float>> made_;
};

Dataset make_split(const Streams& rng, const ref::Shape& shape, int classes, Prototypes& prototypes, std::int64_t n,
                   std::uint32_t sample_base) {
  Dataset d;
  d.sample_shape = shape;
  d.classes = classes;
  d.labels.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) d.labels[static_cast<std::size_t>(i)] = static_cast<int>(i % classes);
  fisher_yates_shuffle(d.labels, rng.seed, rng.label, sample_base);

  const std::int64_t numel = shape.numel();
  d.images.resize(static_cast<std::size_t>(n * numel));
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint32_t sample = sample_base + static_cast<std::uint32_t>(i);
    const std::uint32_t noise_key = rng.key(rng.noise(sample));
    const float amplitude = kAmplitudeBase + rng.uniform(rng.amplitude, sample);
    const float* prototype = prototypes.of(d.labels[static_cast<std::size_t>(i)]);
    float* x = d.images.data() + i * numel;
    for (std::int64_t e = 0; e < numel; ++e) {
      x[e] = amplitude * prototype[e] + kNoiseScale * Streams::normal_keyed(noise_key, static_cast<std::uint32_t>(e));
    }
  }
  return d;
}

}  // namespace

DatasetPair make_synthetic(ref::Shape sample_shape, int classes, std::int64_t train_size, std::int64_t test_size,
                           std::uint32_t seed) {
  check_arguments(sample_shape, classes, train_size, test_size);
  const Streams rng{seed};
  Prototypes prototypes(rng, sample_shape, classes);
  DatasetPair pair;
  pair.train = make_split(rng, sample_shape, classes, prototypes, train_size, 0);
  pair.test = make_split(rng, sample_shape, classes, prototypes, test_size, kTestSampleBase);
  pair.description = fmt::format("synthetic (seed {}): {} train, {} test samples of {}, {} classes, "
                                 "class prototype x amplitude + noise",
                                 seed, train_size, test_size, fmt::join(sample_shape.dims, "x"), classes);
  return pair;
}

}  // namespace qtsim::data
