// Determinism: the same inputs and seed give the same bytes.
// Inside one build: train dumps and checkpoints are identical across thread
// counts. Across builds: dumps, simulate outputs, reports and validate's tensor
// digest equal digests recorded here, so an optimized, a -O0 and a sanitizer
// build running this suite must all produce the same bytes
// (scripts/determinism.sh also compares a -O0 and an optimized build directly).
//
// When a change of these outputs is intended (a new stats field, a report
// layout), the failure prints the new digest to put here, and each file's
// digest to see which file changed.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/accelerator/run_tool.hpp"
#include "tests/determinism/dir_digest.hpp"

namespace qtsim::test {
namespace {

// Recorded from a Release build (g++ 12, -O3 -march=native) and checked equal
// in Debug (-O0), sanitizer and clang builds; see docs/results/determinism.md.
// fmnist-cnn's scheme was renamed int8-eoq-paper when int8-eoq became the
// best-known configuration: the digests of its dump, checkpoint, simulate and
// report outputs changed with the name they record; the tensors, the
// checkpoint's weights and every count and cost are byte-identical.
constexpr const char* kTrainIntDump = "f8e6a656905928e2";
constexpr const char* kTrainIntCheckpoint = "45293ef9c0dd554f";
constexpr const char* kTrainFloatDump = "67fedf9e258670b4";
constexpr const char* kSimulateOutputs = "91c7c133e9b2d3f7";
constexpr const char* kReportOutputs = "24faa166a2ef0fef";
constexpr const char* kValidateTensors = "6827418fabdcf4c6";

void expect_digest(const std::filesystem::path& dir, const std::string& golden, const std::string& what) {
  const std::string got = dir_digest(dir);
  EXPECT_EQ(got, golden) << what << " changed; the files:\n" << describe(file_digests(dir));
}

std::string train(const std::string& workload_and_options, const std::filesystem::path& dir, int threads) {
  const ToolRun r = run_qtsim("train " + workload_and_options + " --no-eval --no-progress --threads " +
                              std::to_string(threads) + " --dump " + (dir / "dump").string() + " --out " +
                              (dir / "out").string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.err;
}

TEST(Determinism, IntegerTrainingDumpsAreIdenticalForAnyThreadCount) {
  TempDir d;
  train("workloads/fmnist-cnn.json --steps 2", d.path / "t1", 1);
  train("workloads/fmnist-cnn.json --steps 2", d.path / "t3", 3);
  EXPECT_EQ(file_digests(d.path / "t1" / "dump"), file_digests(d.path / "t3" / "dump"));
  EXPECT_EQ(file_digests(d.path / "t1" / "out" / "checkpoint"), file_digests(d.path / "t3" / "out" / "checkpoint"));
  expect_digest(d.path / "t1" / "dump", kTrainIntDump, "the dump of 2 steps of fmnist-cnn (EOQ)");
  expect_digest(d.path / "t1" / "out" / "checkpoint", kTrainIntCheckpoint, "the checkpoint after 2 steps of fmnist-cnn");
}

TEST(Determinism, FloatTrainingDumpsAreIdenticalForAnyThreadCount) {
  TempDir d;
  train("workloads/fmnist-resnet-fixup-fp32.json --steps 1", d.path / "t1", 1);
  train("workloads/fmnist-resnet-fixup-fp32.json --steps 1", d.path / "t3", 3);
  EXPECT_EQ(file_digests(d.path / "t1" / "dump"), file_digests(d.path / "t3" / "dump"));
  expect_digest(d.path / "t1" / "dump", kTrainFloatDump, "the dump of 1 step of fmnist-resnet-fixup-fp32");
}

TEST(Determinism, SimulateOutputsAndReportsMatchTheRecordedDigests) {
  TempDir d;
  const ToolRun sim = run_qtsim("simulate workloads/fmnist-cnn.json --hw workloads/hw/int8-fixup-8x8.json --steps 1 "
                                "--no-progress --out " + (d.path / "sim").string());
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  const ToolRun report = run_qtsim("report " + (d.path / "sim").string() + " --out " + (d.path / "report").string());
  ASSERT_EQ(report.exit_code, 0) << report.err;
  expect_digest(d.path / "sim", kSimulateOutputs, "the outputs of simulate (fmnist-cnn, int8-fixup-8x8, 1 step, exact)");
  expect_digest(d.path / "report", kReportOutputs, "the outputs of report (45 nm)");
}

TEST(Determinism, ValidateTensorDigestMatchesTheRecordedOne) {
  const ToolRun r = run_qtsim("validate workloads/fmnist-cnn.json --hw workloads/hw/int8-fixup-8x8.json --steps 1 --quiet --no-progress");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("hardware tensor digest: ([0-9a-f]+)"))) << r.out;
  EXPECT_EQ(m[1].str(), kValidateTensors) << "the hardware's tensors of 1 validated step of fmnist-cnn changed";
}

}  // namespace
}  // namespace qtsim::test
