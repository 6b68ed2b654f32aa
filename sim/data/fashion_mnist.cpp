#include "fashion_mnist.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <vector>

#include "idx_file.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/util/interrupt.hpp"

namespace qtsim::data {

namespace {

namespace fs = std::filesystem;
using input::Diagnostic;
using input::InputError;

constexpr const char* kInstallHint =
    "install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) "
    "or set dataset.path in the workload";

[[noreturn]] void fail(const std::string& file, std::string where, std::string expected, std::string found) {
  throw InputError(Diagnostic{file, std::move(where), std::move(expected), std::move(found), ""});
}

struct SplitFiles {
  std::string images, labels;
};

// The plain file if it exists, else the ".gz" one; "" when neither does.
std::string find_file(const fs::path& dir, const std::string& base) {
  for (const std::string& name : {base, base + ".gz"}) {
    std::error_code ec;
    if (fs::is_regular_file(dir / name, ec)) return (dir / name).string();
  }
  return {};
}

std::array<SplitFiles, 2> find_files(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    const bool exists = fs::exists(dir, ec);
    throw InputError(Diagnostic{dir, "", "a directory holding the Fashion-MNIST IDX files",
                                exists ? "a file that is not a directory" : "no such directory", kInstallHint});
  }
  std::array<SplitFiles, 2> splits;
  std::vector<Diagnostic> missing;
  const std::array<const char*, 2> prefixes = {"train", "t10k"};
  for (std::size_t s = 0; s < 2; ++s) {
    for (const bool images : {true, false}) {
      const std::string base = fmt::format("{}-{}", prefixes[s], images ? "images-idx3-ubyte" : "labels-idx1-ubyte");
      std::string path = find_file(dir, base);
      if (path.empty()) {
        missing.push_back(Diagnostic{dir, "", fmt::format("a file {} or {}.gz", base, base), "neither", kInstallHint});
      }
      (images ? splits[s].images : splits[s].labels) = std::move(path);
    }
  }
  if (!missing.empty()) throw InputError(std::move(missing));
  return splits;
}

void check_images(const std::string& path, const IdxFile& images) {
  if (images.dims[1] != kFashionMnistSide || images.dims[2] != kFashionMnistSide) {
    fail(path, "dimensions", "images of 28x28 pixels", fmt::format("{}x{}", images.dims[1], images.dims[2]));
  }
  if (images.dims[0] == 0) fail(path, "dimension 0", "at least one image", "0");
}

void check_labels(const SplitFiles& files, const IdxFile& images, const IdxFile& labels) {
  if (labels.dims[0] != images.dims[0]) {
    fail(files.labels, "dimension 0", fmt::format("{} labels, one for each image in {}", images.dims[0], files.images),
         std::to_string(labels.dims[0]));
  }
  const auto bad = std::find_if(labels.data.begin(), labels.data.end(),
                                [](std::uint8_t l) { return l >= kFashionMnistClasses; });
  if (bad != labels.data.end()) {
    const auto count = std::count_if(bad, labels.data.end(), [](std::uint8_t l) { return l >= kFashionMnistClasses; });
    fail(files.labels, fmt::format("label {}", bad - labels.data.begin()), "labels in 0..9",
         fmt::format("{} ({} labels out of range)", *bad, count));
  }
}

Dataset load_split(const SplitFiles& files, std::int64_t limit) {
  const IdxFile images = read_idx_u8(files.images, 3);
  check_images(files.images, images);
  const IdxFile labels = read_idx_u8(files.labels, 1);
  check_labels(files, images, labels);

  const std::int64_t available = images.dims[0];
  const std::int64_t n = limit > 0 ? std::min(limit, available) : available;
  const std::int64_t pixels = std::int64_t{kFashionMnistSide} * kFashionMnistSide;

  std::array<float, 256> normalised;  // every pixel value, computed once
  for (int p = 0; p < 256; ++p) normalised[p] = normalise_fashion_mnist_pixel(static_cast<std::uint8_t>(p));

  Dataset d;
  d.sample_shape = ref::Shape{1, kFashionMnistSide, kFashionMnistSide};
  d.classes = kFashionMnistClasses;
  // In chunks, checking for Ctrl-C between them: the training set is 188 MB of
  // floats, which takes seconds to fill on a loaded machine.
  constexpr std::int64_t kChunkPixels = std::int64_t{1} << 22;
  const std::int64_t total = n * pixels;
  d.images.reserve(static_cast<std::size_t>(total));
  for (std::int64_t at = 0; at < total; at += kChunkPixels) {
    util::throw_if_interrupted();
    const std::int64_t end = std::min(total, at + kChunkPixels);
    d.images.resize(static_cast<std::size_t>(end));
    std::transform(images.data.begin() + at, images.data.begin() + end, d.images.begin() + at,
                   [&](std::uint8_t p) { return normalised[p]; });
  }
  d.labels.assign(labels.data.begin(), labels.data.begin() + n);
  return d;
}

std::string split_text(std::int64_t kept, std::int64_t limit, const char* name) {
  return limit > 0 ? fmt::format("{} {} (limit {})", kept, name, limit) : fmt::format("{} {}", kept, name);
}

}  // namespace

float normalise_fashion_mnist_pixel(std::uint8_t pixel) {
  return (static_cast<float>(pixel) / 255.0f - kFashionMnistMean) / kFashionMnistStd;
}

DatasetPair load_fashion_mnist(const std::string& dir, std::int64_t train_limit, std::int64_t test_limit) {
  const auto files = find_files(dir);
  DatasetPair pair;
  pair.train = load_split(files[0], train_limit);
  pair.test = load_split(files[1], test_limit);
  pair.description = fmt::format("Fashion-MNIST from {}: {}, {} samples of 1x28x28, 10 classes, "
                                 "normalised (x/255 - 0.2860) / 0.3530",
                                 dir, split_text(pair.train.size(), train_limit, "train"),
                                 split_text(pair.test.size(), test_limit, "test"));
  return pair;
}

}  // namespace qtsim::data
