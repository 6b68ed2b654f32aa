// Fashion-MNIST: a small fake set written to a temp dir for the rules and the
// errors, and the installed Debian data set when it is present.
#include "sim/data/fashion_mnist.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "test_files.hpp"

namespace qtsim::data {
namespace {

using testing::idx_bytes;
using testing::input_error_message;
using testing::TempDir;

constexpr int kPixels = 28 * 28;

struct FakeSplit {
  std::uint32_t images = 0, labels = 0;  // counts written in the headers
  std::uint32_t side_h = 28;
  std::uint8_t bad_label = 0;  // if nonzero, written as the last label
};

// Image i has every pixel (i * 37 + 11) % 256; label i is i % 10.
void write_split(const TempDir& dir, const std::string& prefix, const FakeSplit& s, bool gzip) {
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(s.images) * s.side_h * 28);
  const std::size_t per_image = static_cast<std::size_t>(s.side_h) * 28;
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>((i / per_image * 37 + 11) % 256);
  std::vector<std::uint8_t> labels(s.labels);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
  if (s.bad_label != 0) labels.back() = s.bad_label;
  const auto images_bytes = idx_bytes(0x803, {s.images, s.side_h, 28}, pixels);
  const auto labels_bytes = idx_bytes(0x801, {s.labels}, labels);
  const std::string images_name = prefix + "-images-idx3-ubyte", labels_name = prefix + "-labels-idx1-ubyte";
  if (gzip) {
    testing::write_gzip(dir.file(images_name + ".gz"), images_bytes);
    testing::write_gzip(dir.file(labels_name + ".gz"), labels_bytes);
  } else {
    testing::write_plain(dir.file(images_name), images_bytes);
    testing::write_plain(dir.file(labels_name), labels_bytes);
  }
}

void write_fake_set(const TempDir& dir, bool gzip, FakeSplit train = {12, 12}, FakeSplit test = {5, 5}) {
  write_split(dir, "train", train, gzip);
  write_split(dir, "t10k", test, gzip);
}

TEST(DataFashionMnist, NormalisationRule) {
  EXPECT_EQ(normalise_fashion_mnist_pixel(0), -0.2860f / 0.3530f);
  EXPECT_EQ(normalise_fashion_mnist_pixel(255), (1.0f - 0.2860f) / 0.3530f);
  EXPECT_EQ(normalise_fashion_mnist_pixel(73), (73.0f / 255.0f - 0.2860f) / 0.3530f);
}

TEST(DataFashionMnist, LoadsFakeSet) {
  for (const bool gzip : {false, true}) {
    TempDir dir;
    write_fake_set(dir, gzip);
    const DatasetPair pair = load_fashion_mnist(dir.str(), 0, 0);
    EXPECT_EQ(pair.train.size(), 12);
    EXPECT_EQ(pair.test.size(), 5);
    for (const Dataset* d : {&pair.train, &pair.test}) {
      EXPECT_EQ(d->sample_shape, (ref::Shape{1, 28, 28}));
      EXPECT_EQ(d->classes, 10);
      ASSERT_EQ(d->images.size(), static_cast<std::size_t>(d->size() * kPixels));
      for (std::int64_t i = 0; i < d->size(); ++i) {
        EXPECT_EQ(d->labels[static_cast<std::size_t>(i)], i % 10);
        const float expected = normalise_fashion_mnist_pixel(static_cast<std::uint8_t>((i * 37 + 11) % 256));
        EXPECT_EQ(d->images[static_cast<std::size_t>(i * kPixels)], expected);
        EXPECT_EQ(d->images[static_cast<std::size_t>(i * kPixels + kPixels - 1)], expected);
      }
    }
    EXPECT_CONTAINS(pair.description, "12 train, 5 test");
  }
}

TEST(DataFashionMnist, LimitsKeepTheFirstSamples) {
  TempDir dir;
  write_fake_set(dir, true);
  const DatasetPair pair = load_fashion_mnist(dir.str(), 7, 100);
  EXPECT_EQ(pair.train.size(), 7);
  EXPECT_EQ(pair.train.images.size(), 7U * kPixels);
  EXPECT_EQ(pair.train.labels, (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(pair.test.size(), 5);  // a limit above the split size keeps all of it
  EXPECT_CONTAINS(pair.description, "7 train (limit 7)");
}

TEST(DataFashionMnist, MissingDirectoryHintsAtThePackage) {
  TempDir dir;
  const std::string msg = input_error_message([&] { load_fashion_mnist(dir.file("nowhere"), 0, 0); });
  EXPECT_CONTAINS(msg, dir.file("nowhere") + ": expected a directory holding the Fashion-MNIST IDX files");
  EXPECT_CONTAINS(msg, "found no such directory");
  EXPECT_CONTAINS(msg, "apt-get install dataset-fashion-mnist");
  EXPECT_CONTAINS(msg, "set dataset.path in the workload");
}

TEST(DataFashionMnist, MissingFilesAreEachNamed) {
  TempDir dir;
  write_split(dir, "train", {3, 3}, false);
  const std::string msg = input_error_message([&] { load_fashion_mnist(dir.str(), 0, 0); });
  EXPECT_CONTAINS(msg, "expected a file t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz, found neither");
  EXPECT_CONTAINS(msg, "expected a file t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz, found neither");
  EXPECT_EQ(msg.find("train-images"), std::string::npos) << msg;
  EXPECT_CONTAINS(msg, "dataset-fashion-mnist");
}

TEST(DataFashionMnist, CountMismatch) {
  TempDir dir;
  write_fake_set(dir, false, {4, 3});
  const std::string msg = input_error_message([&] { load_fashion_mnist(dir.str(), 0, 0); });
  EXPECT_CONTAINS(msg, dir.file("train-labels-idx1-ubyte") + ": at dimension 0: expected 4 labels, one for each image in");
  EXPECT_CONTAINS(msg, "found 3");
}

TEST(DataFashionMnist, LabelOutOfRange) {
  TempDir dir;
  write_fake_set(dir, true, {12, 12}, {5, 5, 28, 10});
  const std::string msg = input_error_message([&] { load_fashion_mnist(dir.str(), 0, 0); });
  EXPECT_CONTAINS(msg, dir.file("t10k-labels-idx1-ubyte.gz") + ": at label 4: expected labels in 0..9, found 10");
}

TEST(DataFashionMnist, WrongImageSize) {
  TempDir dir;
  write_fake_set(dir, false, {2, 2, 27});
  const std::string msg = input_error_message([&] { load_fashion_mnist(dir.str(), 0, 0); });
  EXPECT_CONTAINS(msg, dir.file("train-images-idx3-ubyte") + ": at dimensions: expected images of 28x28 pixels, found 27x28");
}

// The real data set, when the Debian package is installed.
class DataFashionMnistInstalled : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kFashionMnistDefaultDir)) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  }
};

TEST_F(DataFashionMnistInstalled, LoadsWithLimits) {
  const DatasetPair pair = load_fashion_mnist(kFashionMnistDefaultDir, 1000, 100);
  ASSERT_EQ(pair.train.size(), 1000);
  ASSERT_EQ(pair.test.size(), 100);
  EXPECT_EQ(pair.train.sample_shape, (ref::Shape{1, 28, 28}));
  EXPECT_EQ(pair.train.images.size(), 1000U * kPixels);
  EXPECT_EQ(pair.test.images.size(), 100U * kPixels);

  const std::vector<int> first_train(pair.train.labels.begin(), pair.train.labels.begin() + 10);
  EXPECT_EQ(first_train, (std::vector<int>{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}));
  const std::vector<int> first_test(pair.test.labels.begin(), pair.test.labels.begin() + 10);
  EXPECT_EQ(first_test, (std::vector<int>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}));
  for (const Dataset* d : {&pair.train, &pair.test}) {
    for (int label : d->labels) {
      EXPECT_GE(label, 0);
      EXPECT_LT(label, 10);
    }
  }

  // Normalised with the full training set's mean and std, a 1000-image prefix
  // should have mean near 0 and std near 1; every value lies in [x(0), x(255)].
  double sum = 0, sum_sq = 0;
  for (float x : pair.train.images) {
    ASSERT_TRUE(std::isfinite(x));
    ASSERT_GE(x, normalise_fashion_mnist_pixel(0));
    ASSERT_LE(x, normalise_fashion_mnist_pixel(255));
    sum += x;
    sum_sq += double{x} * x;
  }
  const double n = static_cast<double>(pair.train.images.size());
  const double mean = sum / n, std = std::sqrt(sum_sq / n - mean * mean);
  EXPECT_NEAR(mean, 0.0, 0.1);
  EXPECT_NEAR(std, 1.0, 0.1);
  // Images are mostly black background.
  EXPECT_EQ(pair.train.images[0], normalise_fashion_mnist_pixel(0));
}

TEST_F(DataFashionMnistInstalled, LoadsEverything) {
  const DatasetPair pair = load_fashion_mnist(kFashionMnistDefaultDir, 0, -1);
  EXPECT_EQ(pair.train.size(), 60000);
  EXPECT_EQ(pair.test.size(), 10000);
  std::vector<int> per_class(10, 0);
  for (int label : pair.train.labels) ++per_class[static_cast<std::size_t>(label)];
  EXPECT_EQ(per_class, std::vector<int>(10, 6000));  // Fashion-MNIST is balanced
}

}  // namespace
}  // namespace qtsim::data
