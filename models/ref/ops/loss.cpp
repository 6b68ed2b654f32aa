// Softmax cross-entropy in float32 (docs/NUMERICS.md §6 "loss", §9).
// Per sample i with logits z and row maximum m (subtracted for stability):
//   e_j = exp(z_j - m),  S = sum_j e_j (double, class order, rounded to float),
//   loss_i = log(S) - (z_label - m)     (float; never log(0): S >= 1),
//   dlogits_j = (e_j / S - onehot_j) / N (float).
// The batch mean of loss_i accumulates in double in sample order.
#include <cmath>
#include <stdexcept>
#include <string>

#include "layers_float.hpp"

namespace qtsim::ref {

namespace {

struct LogitRows {
  std::int64_t samples = 0, classes = 0;
};

LogitRows logit_rows(const FTensor& logits, const char* who) {
  LogitRows rows;
  rows.samples = logits.shape.rank() > 0 ? logits.shape[0] : 0;
  const auto total = static_cast<std::int64_t>(logits.size());
  if (rows.samples < 1 || total % rows.samples != 0 || total == 0)
    throw std::invalid_argument(std::string(who) + ": logits " + logits.shape.str() + " are not N x classes");
  rows.classes = total / rows.samples;
  return rows;
}

// Index of the first maximum of row[0 .. classes).
int first_argmax(const float* row, std::int64_t classes) {
  std::int64_t best = 0;
  for (std::int64_t j = 1; j < classes; ++j)
    if (row[j] > row[best]) best = j;
  return static_cast<int>(best);
}

}  // namespace

std::vector<int> predict(const FTensor& logits) {
  const LogitRows rows = logit_rows(logits, "predict");
  std::vector<int> predicted(static_cast<std::size_t>(rows.samples));
  for (std::int64_t i = 0; i < rows.samples; ++i)
    predicted[static_cast<std::size_t>(i)] = first_argmax(logits.data.data() + i * rows.classes, rows.classes);
  return predicted;
}

LossResult softmax_cross_entropy(const FTensor& logits, const std::vector<int>& labels) {
  const LogitRows rows = logit_rows(logits, "softmax_cross_entropy");
  if (static_cast<std::int64_t>(labels.size()) != rows.samples)
    throw std::invalid_argument("softmax_cross_entropy: " + std::to_string(labels.size()) + " labels for logits " +
                                logits.shape.str());
  const auto batch = static_cast<float>(rows.samples);
  LossResult result;
  result.dlogits = FTensor(logits.shape);
  double loss_sum = 0.0;
  for (std::int64_t i = 0; i < rows.samples; ++i) {
    const int label = labels[static_cast<std::size_t>(i)];
    if (label < 0 || label >= rows.classes)
      throw std::invalid_argument("softmax_cross_entropy: label " + std::to_string(label) + " outside 0.." +
                                  std::to_string(rows.classes - 1));
    const float* z = logits.data.data() + i * rows.classes;
    float* dz = result.dlogits.data.data() + i * rows.classes;

    const int predicted = first_argmax(z, rows.classes);
    const float row_max = z[predicted];
    double exp_sum = 0.0;
    for (std::int64_t j = 0; j < rows.classes; ++j) {
      dz[j] = std::exp(z[j] - row_max);  // kept in dz until the sum is known
      exp_sum += dz[j];
    }
    const auto sum = static_cast<float>(exp_sum);
    for (std::int64_t j = 0; j < rows.classes; ++j) {
      const float probability = dz[j] / sum;
      dz[j] = (j == label ? probability - 1.0f : probability) / batch;
    }
    const float sample_loss = std::log(sum) - (z[label] - row_max);
    loss_sum += sample_loss;
    if (predicted == label) ++result.correct;
  }
  result.loss = loss_sum / static_cast<double>(rows.samples);
  return result;
}

}  // namespace qtsim::ref
