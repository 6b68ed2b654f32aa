#pragma once
// Which samples a training step sees, and copying them into a batch tensor.
//
// Epoch order: a permutation of 0..n-1 per epoch, Fisher–Yates from the end
// (see shuffle.hpp) on the identity with
//   j = rand32(seed, stream_id(epoch, 0, RandomPurpose::shuffle), i) % (i + 1)
// (docs/NUMERICS.md, "Random bits": step = epoch, tensor_id 0, purpose 6).
// Training step s of an epoch takes order[s*batch .. s*batch + batch): the last
// partial batch is dropped so every step has the full batch. Evaluation walks
// the test set in index order and keeps the last, partial batch.
#include <cstdint>
#include <vector>

#include "dataset.hpp"
#include "models/ref/tensor.hpp"

namespace qtsim::data {

// The sample order of `epoch`; the identity when `shuffle` is false.
std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint32_t seed, std::uint32_t epoch, bool shuffle = true);

struct Batch {
  ref::FTensor images;      // count x C x H x W
  std::vector<int> labels;  // count
};

// Samples order[first], ..., order[first + count - 1] of `data`, in that order.
// Throws std::out_of_range if the range leaves `order` or an entry of `order`
// is not a sample index.
Batch make_batch(const Dataset& data, const std::vector<std::int64_t>& order, std::int64_t first, std::int64_t count);

// floor(n / batch): full training batches per epoch.
std::int64_t train_steps_per_epoch(std::int64_t n, std::int64_t batch);

// ceil(n / batch): evaluation batches covering every sample.
std::int64_t test_steps(std::int64_t n, std::int64_t batch);

// Samples in evaluation batch `step`: `batch`, except the last may be fewer.
std::int64_t test_batch_count(std::int64_t n, std::int64_t batch, std::int64_t step);

}  // namespace qtsim::data
