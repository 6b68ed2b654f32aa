// Short training runs on a few hundred Fashion-MNIST images (the acceptance's
// "short version" of the accuracy benchmark): with the shipped workloads'
// networks and schemes, the training loss falls and the test accuracy ends well
// above chance (10%). Each run takes a few seconds.

#include "cli_test_util.hpp"

namespace qtsim::cli_test {
namespace {

struct ShortRun {
  const char* workload;
  const char* label;
  int epochs;
  double min_test_accuracy;  // percent
};

void PrintTo(const ShortRun& c, std::ostream* os) { *os << c.workload; }

class ShortTraining : public ::testing::TestWithParam<ShortRun> {};

double mean_loss(const std::vector<double>& losses, std::size_t first, std::size_t count) {
  double sum = 0.0;
  for (std::size_t i = first; i < first + count; ++i) sum += losses[i];
  return sum / static_cast<double>(count);
}

TEST_P(ShortTraining, LossFallsAndAccuracyRisesWellAboveChance) {
  const ShortRun& p = GetParam();
  TempDir dir;
  json w = small_fashion_mnist(shipped_workload(p.workload), 640, 500);
  w["training"]["batch_size"] = 32;
  w["training"]["epochs"] = p.epochs;
  const fs::path f = write_workload(dir, "short", w);
  // No wall-clock assertion: times belong to the benchmark scripts (this run
  // takes seconds in a release build, minutes under ASan).
  const RunResult r = run_qtsim({"train", f.string(), "--out", (dir / "out").string(), "--no-progress"}, dir.path);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const json log = json::parse(read_file(dir / "out" / "train_log.json"));
  ASSERT_EQ(log["epochs"].size(), static_cast<std::size_t>(p.epochs));
  const json& first = log["epochs"].front();
  const json& last = log["epochs"].back();
  EXPECT_LT(last["train_loss"].get<double>(), first["train_loss"].get<double>());
  EXPECT_GT(last["test_accuracy"].get<double>(), p.min_test_accuracy) << r.out;

  // Per step: the last ten steps' mean loss is well below the first ten's.
  std::vector<double> losses;
  std::istringstream csv(read_file(dir / "out" / "steps.csv"));
  std::string line;
  std::getline(csv, line);  // header: step,epoch,lr,loss,...
  while (std::getline(csv, line)) {
    std::istringstream fields(line);
    std::string field;
    for (int i = 0; i < 4; ++i) std::getline(fields, field, ',');
    losses.push_back(std::stod(field));
  }
  ASSERT_EQ(losses.size(), static_cast<std::size_t>(20 * p.epochs));
  EXPECT_LT(mean_loss(losses, losses.size() - 10, 10), 0.8 * mean_loss(losses, 0, 10)) << read_file(dir / "out" / "steps.csv");
}

INSTANTIATE_TEST_SUITE_P(Schemes, ShortTraining,
                         ::testing::Values(ShortRun{"fmnist-resnet-fixup", "int8_eoq", 4, 30.0},
                                           ShortRun{"fmnist-resnet-bn", "fp32_bn", 4, 50.0}),
                         [](const auto& info) { return std::string(info.param.label); });

}  // namespace
}  // namespace qtsim::cli_test
