// Every verb stops on SIGINT or SIGTERM, exits with 128 +
// the signal, and leaves only complete files, marked partial where partial
// (validation.json never claims a pass for steps not run). simulate with a
// workload: tests/accelerator/interrupt_test.cpp. The time a verb takes to
// stop (the target is 2 s) is measured by scripts/interrupt-stress.sh, not
// here: tests assert no wall-clock times; kHangSeconds only tells a verb that
// ignores the signal from one that is slow on a loaded machine.
#include <algorithm>

#include "tool_process.hpp"

namespace qtsim::cli_test {
namespace {

constexpr double kHangSeconds = 20.0;

void expect_no_temporaries(const fs::path& root) {
  for (const auto& e : fs::recursive_directory_iterator(root))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "left behind: " << e.path();
}

std::size_t csv_rows(const fs::path& file) {
  const std::string text = read_file(file);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) - 1;  // minus the header
}

TEST(InterruptTrain, StopsPromptlyAndMarksItsOutputsPartial) {
  TempDir dir;
  json w = small_fashion_mnist(shipped_workload("fmnist-cnn"), 32 * 1500, 100);
  w["training"]["batch_size"] = 32;  // 1500 steps per epoch: the signal comes mid-epoch
  const fs::path f = write_workload(dir, "long", w);
  ToolProcess run({"train", f.string(), "--out", "out", "--dump", "dump", "--no-progress"}, dir.path);
  ASSERT_TRUE(run.wait_for_output("training ", 60)) << run.stderr_text();
  // Some steps complete (the dump writes a file per step): waiting for them, not
  // for a fixed time, holds on a slow build too (ASan: the first step alone may take seconds).
  const fs::path first_step = dir / "dump" / "step_000001.bin";
  for (int i = 0; i < 1200 && !fs::exists(first_step); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(fs::exists(first_step)) << "no step completed in 60 s: " << run.stderr_text();
  const ProcessEnd end = run.interrupt(SIGINT, kHangSeconds);
  ASSERT_FALSE(end.timed_out) << "train ignored SIGINT";
  EXPECT_EQ(end.exit_code, 128 + SIGINT) << run.stderr_text();
  expect_no_temporaries(dir.path);

  // The log, the per-step rows, the checkpoint and the dump all end at the same step.
  const json log = json::parse(read_file(dir / "out" / "train_log.json"));
  const auto steps = log["steps_run"].get<std::size_t>();
  EXPECT_GT(steps, 0u);
  EXPECT_LT(steps, 1500u);
  EXPECT_EQ(log["partial"]["interrupted_by"], "SIGINT");
  EXPECT_EQ(log["partial"]["steps_completed"].get<std::size_t>(), steps);
  ASSERT_EQ(log["epochs"].size(), 1u);
  EXPECT_EQ(log["epochs"][0]["steps"].get<std::size_t>(), steps);
  EXPECT_FALSE(log["epochs"][0].contains("test_accuracy")) << "an interrupted epoch is not evaluated";
  EXPECT_EQ(csv_rows(dir / "out" / "steps.csv"), steps);
  EXPECT_EQ(json::parse(read_file(dir / "out" / "checkpoint" / "checkpoint.json"))["step"].get<std::size_t>(), steps);
  const json index = json::parse(read_file(dir / "dump" / "index.json"));
  EXPECT_EQ(index["steps"].size(), steps);
  EXPECT_EQ(index["partial"]["steps_completed"].get<std::size_t>(), steps);
  std::size_t bins = 0;
  for (const auto& e : fs::directory_iterator(dir / "dump")) bins += e.path().extension() == ".bin";
  EXPECT_EQ(bins, steps);
}

TEST(InterruptValidate, OutputNeverClaimsAPassForStepsNotRun) {
  TempDir dir;
  ToolProcess run({"validate", (source_dir() / "workloads/fmnist-cnn.json").string(), "--hw",
                   (source_dir() / "workloads/hw/int8-fixup-8x8.json").string(), "--steps", "1000", "--quiet", "--no-progress",
                   "--out", "out"},
                  dir.path);
  ASSERT_TRUE(run.wait_for_output("step 0:", 120)) << run.stderr_text();
  const ProcessEnd end = run.interrupt(SIGTERM, kHangSeconds);
  ASSERT_FALSE(end.timed_out) << "validate ignored SIGTERM";
  EXPECT_EQ(end.exit_code, 128 + SIGTERM) << run.stderr_text();
  expect_no_temporaries(dir.path);
  const json v = json::parse(read_file(dir / "out" / "validation.json"));
  EXPECT_EQ(v["passed"], false);
  EXPECT_EQ(v["partial"]["interrupted_by"], "SIGTERM");
  EXPECT_GE(v["steps"].size(), 1u);
  EXPECT_EQ(v["partial"]["steps_completed"].get<std::size_t>(), v["steps"].size());
  EXPECT_EQ(v["steps_compared"].get<std::size_t>(), v["steps"].size());
  EXPECT_EQ(v["steps_planned"], 1000);
}

// 20,000 layers of 114x114x128 on an 8x8 array take about a minute.
TEST(InterruptScaleSim, StopsBetweenRowsAndWritesNothing) {
  TempDir dir;
  write_file(dir / "run.cfg",
             "[general]\nrun_name = many_rows\n[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\nIfmapSramSzkB: 64\n"
             "FilterSramSzkB: 64\nOfmapSramSzkB: 64\nIfmapOffset: 0\nFilterOffset: 10000000\nOfmapOffset: 20000000\n"
             "Bandwidth: 10\nDataflow: os\nMemoryBanks: 1\n[run_presets]\nInterfaceBandwidth: USER\n");
  std::string topology = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
  for (int i = 0; i < 20000; ++i) topology += "L" + std::to_string(i) + ",114,114,3,3,128,128,1,\n";
  write_file(dir / "many.csv", topology);
  ToolProcess run({"simulate", "--scalesim-cfg", "run.cfg", "--topology", "many.csv", "--out", "out"}, dir.path);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  ASSERT_FALSE(run.wait(0).exit_code == 0) << "the run ended before the signal";
  const ProcessEnd end = run.interrupt(SIGINT, kHangSeconds);
  ASSERT_FALSE(end.timed_out) << "simulate --scalesim-cfg ignored SIGINT";
  EXPECT_EQ(end.exit_code, 128 + SIGINT) << run.stderr_text();
  EXPECT_FALSE(fs::exists(dir / "out")) << "nothing is written, not even the folder";
  expect_no_temporaries(dir.path);
}

// compare simulates five designs of ResNet-50 (about 15 s); a signal in the
// middle stops it, and it writes nothing (its files only make sense together).
TEST(InterruptCompare, StopsAndWritesNothing) {
  TempDir dir;
  ToolProcess run({"compare", (source_dir() / "workloads/resnet50-imagenet-bn.json").string(), "--out", "out"}, dir.path);
  // The folder appears when compare checks and locks it, before any work.
  for (int i = 0; i < 1200 && !fs::exists(dir / "out"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(fs::exists(dir / "out")) << run.stderr_text();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const ProcessEnd end = run.interrupt(SIGTERM, kHangSeconds);
  ASSERT_FALSE(end.timed_out) << "compare ignored SIGTERM";
  EXPECT_EQ(end.exit_code, 128 + SIGTERM) << run.stderr_text();
  EXPECT_FALSE(fs::exists(dir / "out" / "compare.json"));
  if (fs::exists(dir / "out")) {
    EXPECT_TRUE(fs::is_empty(dir / "out")) << "an interrupted compare writes nothing";
  }
  expect_no_temporaries(dir.path);
}

}  // namespace
}  // namespace qtsim::cli_test
