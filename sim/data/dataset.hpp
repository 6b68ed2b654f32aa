#pragma once
// A labelled image data set in memory, ready for batching: images are already
// normalised floats, so a batch is a plain copy.
#include <cstdint>
#include <string>
#include <vector>

#include "models/ref/shape.hpp"

namespace qtsim::data {

struct Dataset {
  ref::Shape sample_shape;    // C, H, W of one sample
  int classes = 0;            // labels are in [0, classes)
  std::vector<float> images;  // N * C * H * W, sample-major, already normalised
  std::vector<int> labels;    // N

  std::int64_t size() const { return static_cast<std::int64_t>(labels.size()); }
  std::int64_t sample_numel() const { return sample_shape.numel(); }
};

struct DatasetPair {
  Dataset train, test;
  std::string description;  // for logs and reports: source, sizes, shape
};

}  // namespace qtsim::data
