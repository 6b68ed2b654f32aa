#include "batcher.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "shuffle.hpp"

namespace qtsim::data {

namespace {

void require_positive_batch(std::int64_t batch) {
  if (batch < 1) throw std::invalid_argument("batch size must be >= 1, got " + std::to_string(batch));
}

}  // namespace

std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint32_t seed, std::uint32_t epoch, bool shuffle) {
  if (n < 0) throw std::invalid_argument("epoch_order: negative sample count " + std::to_string(n));
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  if (shuffle) fisher_yates_shuffle(order, seed, ref::stream_id(epoch, 0, ref::RandomPurpose::shuffle));
  return order;
}

Batch make_batch(const Dataset& data, const std::vector<std::int64_t>& order, std::int64_t first, std::int64_t count) {
  const auto order_size = static_cast<std::int64_t>(order.size());
  if (first < 0 || count < 0 || first > order_size || count > order_size - first) {
    throw std::out_of_range("make_batch: samples [" + std::to_string(first) + ", " + std::to_string(first + count) +
                            ") outside an order of " + std::to_string(order_size));
  }
  const std::int64_t numel = data.sample_numel();
  ref::Shape shape{count};
  shape.dims.insert(shape.dims.end(), data.sample_shape.dims.begin(), data.sample_shape.dims.end());

  Batch batch;
  batch.images = ref::FTensor(shape);
  batch.labels.resize(static_cast<std::size_t>(count));
  for (std::int64_t b = 0; b < count; ++b) {
    const std::int64_t sample = order[static_cast<std::size_t>(first + b)];
    if (sample < 0 || sample >= data.size()) {
      throw std::out_of_range("make_batch: sample " + std::to_string(sample) + " outside a data set of " +
                              std::to_string(data.size()));
    }
    std::copy_n(data.images.begin() + sample * numel, numel, batch.images.data.begin() + b * numel);
    batch.labels[static_cast<std::size_t>(b)] = data.labels[static_cast<std::size_t>(sample)];
  }
  return batch;
}

std::int64_t train_steps_per_epoch(std::int64_t n, std::int64_t batch) {
  require_positive_batch(batch);
  return n / batch;
}

std::int64_t test_steps(std::int64_t n, std::int64_t batch) {
  require_positive_batch(batch);
  return (n + batch - 1) / batch;
}

std::int64_t test_batch_count(std::int64_t n, std::int64_t batch, std::int64_t step) {
  require_positive_batch(batch);
  return std::clamp<std::int64_t>(n - step * batch, 0, batch);
}

}  // namespace qtsim::data
