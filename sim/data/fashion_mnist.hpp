#pragma once
// Fashion-MNIST (Xiao et al. 2017): 28x28 grey images of clothing, 10 classes,
// 60000 training and 10000 test samples, stored as four IDX files:
//   train-images-idx3-ubyte  train-labels-idx1-ubyte
//   t10k-images-idx3-ubyte   t10k-labels-idx1-ubyte
// each either plain or gzip-compressed with a ".gz" suffix (the plain name is
// used when both exist).
//
// Normalisation, evaluated in float exactly in this order so every platform
// gets the same bits:
//   x = (float(pixel) / 255.0f - 0.2860f) / 0.3530f
// 0.2860 and 0.3530 are the mean and standard deviation of the training pixels
// scaled to [0, 1], so the inputs have roughly zero mean and unit variance.
#include <cstdint>
#include <string>

#include "dataset.hpp"

namespace qtsim::data {

// Where the Debian package dataset-fashion-mnist installs the files.
inline constexpr const char* kFashionMnistDefaultDir = "/usr/share/datasets/fashion-mnist";
inline constexpr float kFashionMnistMean = 0.2860f;
inline constexpr float kFashionMnistStd = 0.3530f;
inline constexpr int kFashionMnistClasses = 10;
inline constexpr int kFashionMnistSide = 28;
inline constexpr std::int64_t kFashionMnistTrainSize = 60000;  // the training split (Xiao et al. 2017)

// The normalised value of one pixel (the rule above).
float normalise_fashion_mnist_pixel(std::uint8_t pixel);

// Loads both splits from `dir`. A limit <= 0 keeps every sample; otherwise the
// first `limit` samples of the split are kept (all of them if the split is
// smaller). Throws input::InputError for a missing directory or file (the hint
// says how to install the data), a malformed IDX file, image and label counts
// that disagree, a label outside 0..9, or images that are not 28x28.
DatasetPair load_fashion_mnist(const std::string& dir, std::int64_t train_limit, std::int64_t test_limit);

}  // namespace qtsim::data
