// Determinism: the same workload and seed give byte-identical dumps and
// checkpoints in two runs, and whatever the number of threads (docs/DUMPS.md).
// One workload per kind of arithmetic: int8-eoq (Fixup, integer layers),
// fp32-bn (float with batchnorm), int8-wageubn (integer batchnorm, flagged errors).
#include "cli_test_util.hpp"

namespace qtsim::cli_test {
namespace {

struct Case {
  const char* workload;
  const char* label;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.workload; }

class Determinism : public ::testing::TestWithParam<Case> {};

TEST_P(Determinism, SameSeedSameBytesAcrossRunsAndThreadCounts) {
  TempDir dir;
  json w = small_fashion_mnist(shipped_workload(GetParam().workload), 96, 50);
  w["training"]["batch_size"] = 16;
  const fs::path f = write_workload(dir, "w", w);
  auto train = [&](const std::string& name, int threads) {
    const RunResult r = run_qtsim({"train", f.string(), "--steps", "2", "--no-eval", "--no-progress", "--threads",
                             std::to_string(threads), "--dump", (dir / name / "dump").string(), "--out",
                             (dir / name / "out").string()},
                            dir.path);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // The log's "run" part holds the wall time and thread count; everything else must match.
    const fs::path log = dir / name / "out" / "train_log.json";
    json j = json::parse(read_file(log));
    EXPECT_TRUE(j.contains("run"));
    j.erase("run");
    write_file(log, j.dump(1));
  };
  train("a", 2);
  train("b", 2);
  train("c", 1);
  expect_identical_trees(dir / "a", dir / "b");
  expect_identical_trees(dir / "a", dir / "c");
  // The dump really holds the step's tensors.
  const json index = json::parse(read_file(dir / "a" / "dump" / "index.json"));
  ASSERT_EQ(index["steps"].size(), 2u);
  EXPECT_GT(index["steps"][0]["tensors"].size(), 50u);
}

INSTANTIATE_TEST_SUITE_P(Schemes, Determinism,
                         ::testing::Values(Case{"fmnist-resnet-fixup", "int8_eoq"}, Case{"fmnist-resnet-bn", "fp32_bn"},
                                           Case{"fmnist-resnet-bn-wageubn", "int8_wageubn"}),
                         [](const auto& info) { return std::string(info.param.label); });

}  // namespace
}  // namespace qtsim::cli_test
