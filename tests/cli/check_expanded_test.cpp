// `qtsim check` on a derived workload: the header names the files it extends,
// and --expanded prints one whole workload that loads the same on its own
// (docs/WORKLOADS.md, "Derived workloads").
#include "cli_test_util.hpp"

namespace qtsim::cli_test {
namespace {

const fs::path kDerived = source_dir() / "workloads" / "fmnist-resnet-bn.json";

TEST(CheckExpanded, PrintsAWholeWorkloadThatChecksTheSameWithoutItsBase) {
  TempDir dir;
  const RunResult expanded = run_qtsim({"check", "--expanded", kDerived.string()}, dir.path);
  ASSERT_EQ(expanded.exit_code, 0) << expanded.err;
  const json printed = json::parse(expanded.out);
  EXPECT_EQ(printed, workload::read_workload_source(kDerived.string()).expanded);
  EXPECT_FALSE(printed.contains("extends"));
  EXPECT_EQ(printed["network"]["normalization"], "batchnorm") << "the derived file's own field";
  EXPECT_EQ(printed["network"]["layers"].size(), 8u) << "the base's layers";

  // Alone in another folder, the expansion checks to the same layers.
  write_file(dir / "alone.json", expanded.out);
  const RunResult derived = run_qtsim({"check", kDerived.string()}, dir.path);
  const RunResult alone = run_qtsim({"check", (dir / "alone.json").string()}, dir.path);
  ASSERT_EQ(derived.exit_code, 0) << derived.err;
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  const std::string derived_from = "derived from " + (source_dir() / "workloads/base/fmnist-resnet8.json").string() +
                                   " (--expanded prints the whole workload)\n";
  const std::size_t at = derived.out.find(derived_from);
  ASSERT_NE(at, std::string::npos) << derived.out;
  EXPECT_EQ(std::string(derived.out).erase(at, derived_from.size()), alone.out);
}

}  // namespace
}  // namespace qtsim::cli_test
