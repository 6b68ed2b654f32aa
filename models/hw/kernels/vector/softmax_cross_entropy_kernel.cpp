#include "softmax_cross_entropy_kernel.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/hw/host/tensor_io.hpp"

namespace qtsim::hw {

namespace {

constexpr int kOpsPerClass = 7;   // compare, subtract, exp, double add, divide by S, divide by N, label compare
constexpr int kOpsPerSample = 7;  // S to float, one-hot subtract, log, two subtracts, double loss add, correct compare

Dims4 rows_view(std::int64_t samples, std::int64_t classes) { return {1, samples, 1, classes}; }

std::int64_t class_count(const HwTensor& logits) {
  const std::int64_t n = logits.data.dims.n, total = logits.data.dims.numel();
  if (n < 1 || total == 0 || total % n != 0) throw std::logic_error("softmax cross-entropy: logits " + logits.data.name + " are not N x classes");
  return total / n;
}

}  // namespace

std::vector<StreamOperand> SoftmaxCrossEntropyKernel::operands_for(const HwTensor& logits, const HwTensor& labels,
                                                                   const HwTensor& dlogits) {
  if (!logits.is_float() || !dlogits.is_float()) throw std::logic_error("softmax cross-entropy: logits and dlogits are float32");
  if (labels.data.type != DType::i32) throw std::logic_error("softmax cross-entropy: labels are int32");
  const std::int64_t n = logits.data.dims.n, k = class_count(logits);
  if (labels.data.dims.numel() != n || dlogits.data.dims.numel() != n * k)
    throw std::logic_error("softmax cross-entropy: labels or dlogits do not match logits " + logits.data.dims.str());
  // Same storage, viewed as rows of classes (samples as channels), so a chunk is whole samples.
  HwTensor z = logits, dz = dlogits, t = labels;
  z.data.dims = dz.data.dims = rows_view(n, k);
  t.data.dims = {1, n, 1, 1};
  return {{z, OperandRole::same, false, false}, {t, OperandRole::channel, false, false}, {dz, OperandRole::same, true, false}};
}

SoftmaxCrossEntropyKernel::SoftmaxCrossEntropyKernel(KernelLabel label, const HwTensor& logits, const HwTensor& labels,
                                                     const HwTensor& dlogits, LossRegs regs, const HwConfig& config)
    : StreamKernel(std::move(label), rows_view(logits.data.dims.n, class_count(logits)), Chunking::rows_by_image,
                   operands_for(logits, labels, dlogits), config),
      samples_(logits.data.dims.n), classes_(class_count(logits)), regs_(regs) {}

void SoftmaxCrossEntropyKernel::start(KernelEnv& env) {
  StreamKernel::start(env);
  loss_sum_ = 0.0;
  correct_ = 0;
}

void SoftmaxCrossEntropyKernel::cost(const Chunk& chunk, Tile& tile) const {
  const auto rows = static_cast<std::uint64_t>(chunk.box.nc), k = static_cast<std::uint64_t>(classes_);
  const std::uint64_t n = rows * k;
  tile.actions.add(Action::vec_fp_add, (n - rows) + n + n + rows * 4);  // compares, z − m, Σ, one-hot, 2 loss subtracts, loss Σ
  tile.actions.add(Action::vec_fp_exp, n + rows);                        // exp per class, log per sample
  tile.actions.add(Action::vec_fp_div, 2 * n);                           // / S, / N
  tile.actions.add(Action::vec_convert, rows);                           // double S -> float
  tile.actions.add(Action::vec_int_add, n + rows);                       // label compares, correct count
  const auto lanes = static_cast<std::uint64_t>(unit_lanes());
  const std::uint64_t waves = (rows + lanes - 1) / lanes;  // one sample per lane
  tile.cycles = waves * (k * kOpsPerClass + kOpsPerSample) + static_cast<std::uint64_t>(config().vector_unit.pipeline_latency);
}

void SoftmaxCrossEntropyKernel::compute(const Chunk& chunk, KernelEnv&) {
  const float batch = static_cast<float>(samples_);
  const std::int64_t k = classes_;
  const auto row_bytes = static_cast<std::size_t>(k) * sizeof(float);
  std::vector<float> z(static_cast<std::size_t>(k)), dz(static_cast<std::size_t>(k));  // one lane's row registers
  for (std::int64_t r = 0; r < chunk.box.nc; ++r) {
    std::memcpy(z.data(), chunk.data[0] + static_cast<std::size_t>(r) * row_bytes, row_bytes);
    const std::int64_t t = load_element(chunk.data[1], DType::i32, r);
    if (t < 0 || t >= k)
      throw std::runtime_error("softmax cross-entropy: label " + std::to_string(t) + " of sample " +
                               std::to_string(chunk.box.c0 + r) + " outside 0.." + std::to_string(k - 1));
    std::size_t argmax = 0;
    for (std::size_t j = 1; j < z.size(); ++j)
      if (z[j] > z[argmax]) argmax = j;
    const float m = z[argmax];
    double sum = 0.0;
    for (std::size_t j = 0; j < z.size(); ++j) {
      dz[j] = std::exp(z[j] - m);
      sum += dz[j];
    }
    const auto s = static_cast<float>(sum);
    const auto label = static_cast<std::size_t>(t);
    for (std::size_t j = 0; j < z.size(); ++j) {
      const float p = dz[j] / s;
      dz[j] = (j == label ? p - 1.0f : p) / batch;
    }
    const float loss = std::log(s) - (z[label] - m);
    loss_sum_ += loss;
    if (argmax == label) ++correct_;
    std::memcpy(chunk.data[2] + static_cast<std::size_t>(r) * row_bytes, dz.data(), row_bytes);
  }
}

void SoftmaxCrossEntropyKernel::finish(KernelEnv& env) {
  if (!env.exact()) return;
  (*env.regs)[regs_.loss_bits] = std::bit_cast<std::int64_t>(loss_sum_ / static_cast<double>(samples_));
  (*env.regs)[regs_.correct] = correct_;
}

}  // namespace qtsim::hw
