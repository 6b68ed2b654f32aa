// qtsim simulate, end to end: timing mode gives exactly exact mode's cycles and
// action counts; outputs are complete and reproducible; bad combinations of
// workload and hardware are refused with exit code 2 and nothing written.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <map>
#include <vector>
#include <set>

#include "run_tool.hpp"

namespace qtsim::test {
namespace {

// Runs `base` (a simulate command ending in --out) in exact and timing mode:
// every CSV and the totals must agree.
void expect_timing_equals_exact(const std::string& base) {
  TempDir d;
  const ToolRun exact = run_qtsim(base + (d.path / "exact").string());
  const ToolRun timing = run_qtsim(base + (d.path / "timing").string() + " --mode timing");
  ASSERT_EQ(exact.exit_code, 0) << exact.err;
  ASSERT_EQ(timing.exit_code, 0) << timing.err;
  for (const char* f : {"ops.csv", "layers.csv", "phases.csv", "mappings.csv"})
    EXPECT_EQ(read_file(d.path / "exact" / f), read_file(d.path / "timing" / f)) << f;
  const auto je = nlohmann::json::parse(read_file(d.path / "exact" / "stats.json"));
  const auto jt = nlohmann::json::parse(read_file(d.path / "timing" / "stats.json"));
  EXPECT_EQ(je["totals"], jt["totals"]);
  EXPECT_GT(je["totals"]["cycles"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(je["mode"], "exact");
  EXPECT_EQ(jt["mode"], "timing");
}

TEST(Simulate, TimingModeEqualsExactModeCyclesAndCounts) {
  expect_timing_equals_exact(
      "simulate workloads/resnet20-cifar-bn.json --scheme int8-wageubn --hw workloads/hw/int8-intbn-16x16.json "
      "--steps 2 --no-progress --out ");
}

// Every scheme preset, on a workload trained with momentum and weight decay:
// the hyper-parameters must reach the update kernels in timing mode too, so
// both modes give the same cycles and every action count, kernel by kernel.
struct PresetRun {
  const char* scheme;
  const char* workload;
  const char* hw;
};

class TimingEqualsExact : public ::testing::TestWithParam<PresetRun> {};

TEST_P(TimingEqualsExact, CyclesAndEveryActionCount) {
  const PresetRun& p = GetParam();
  expect_timing_equals_exact(std::string("simulate tests/accelerator/workloads/") + p.workload + " --scheme " + p.scheme +
                             " --hw workloads/hw/" + p.hw + " --steps 2 --no-progress --out ");
}

INSTANTIATE_TEST_SUITE_P(
    SchemePresets, TimingEqualsExact,
    ::testing::Values(PresetRun{"fp32-bn", "tiny-resnet-bn.json", "fp32-bn-8x8.json"},
                      PresetRun{"fp32-fixup", "tiny-resnet-fixup.json", "fp32-bn-8x8.json"},
                      PresetRun{"int8-eoq", "tiny-resnet-fixup.json", "int8-fixup-8x8.json"},
                      PresetRun{"int8-wageubn", "tiny-resnet-bn.json", "int8-intbn-8x8.json"},
                      PresetRun{"int8-dfp", "tiny-resnet-bn.json", "int8-intbn-8x8.json"},
                      PresetRun{"int8-dfp", "tiny-separable.json", "int8-intbn-8x8.json"}),
    [](const ::testing::TestParamInfo<PresetRun>& i) {
      std::string n = i.param.scheme + std::string("_") + i.param.workload;
      n.erase(n.rfind(".json"));
      for (char& c : n)
        if (c == '-') c = '_';
      return n;
    });

TEST(Simulate, OutputsAreReproducibleByteForByte) {
  TempDir d;
  const std::string base = "simulate workloads/fmnist-resnet-fixup.json --hw workloads/hw/int8-fixup-8x8.json --mode timing "
                           "--steps 1 --no-progress --out ";
  ASSERT_EQ(run_qtsim(base + (d.path / "a").string()).exit_code, 0);
  ASSERT_EQ(run_qtsim(base + (d.path / "b").string()).exit_code, 0);
  for (const char* f : {"stats.json", "ops.csv", "layers.csv", "phases.csv"})
    EXPECT_EQ(read_file(d.path / "a" / f), read_file(d.path / "b" / f)) << f;
}

TEST(Simulate, StatsHavePhasesUnitsAndLayers) {
  TempDir d;
  const ToolRun r = run_qtsim("simulate workloads/resnet20-cifar-fixup.json --hw workloads/hw/int8-fixup-16x16.json --mode timing "
                              "--no-progress --out " + d.path.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(read_file(d.path / "stats.json"));
  std::set<std::string> phases;
  for (const auto& p : j["phases"]) phases.insert(p["phase"].get<std::string>());
  EXPECT_EQ(phases, (std::set<std::string>{"forward", "backward-data", "backward-weights", "update"}));
  std::uint64_t sum = 0;
  for (const auto& p : j["phases"]) sum += p["cycles"].get<std::uint64_t>();
  EXPECT_EQ(sum, j["totals"]["cycles"].get<std::uint64_t>());
  EXPECT_GT(j["totals"]["actions"]["mac.int8"].get<std::uint64_t>(), 0u);
  EXPECT_GT(j["totals"]["actions"]["dram.read_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_GT(j["totals"]["actions"]["norm.scalar_op"].get<std::uint64_t>(), 0u) << "Fixup scalars run on the Fixup unit";
}

TEST(Simulate, TraceHasUnitBusyAndBufferOccupancySignals) {
  TempDir d;
  const auto vcd = d.path / "run.vcd";
  const ToolRun r = run_qtsim("simulate workloads/fmnist-cnn.json --hw workloads/hw/int8-fixup-8x8.json --mode timing "
                              "--no-progress --out " + (d.path / "o").string() + " --trace " + vcd.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = read_file(vcd);
  for (const char* signal : {"mac_array_busy", "vector_unit_busy", "norm_unit_busy", "ifmap_occupancy", "filter_occupancy",
                             "ofmap_occupancy", "vector_occupancy"})
    EXPECT_NE(text.find(signal), std::string::npos) << signal;
  EXPECT_NE(text.find("$timescale\n     1 ps"), std::string::npos);
  EXPECT_GT(std::count(text.begin(), text.end(), '#'), 100) << "the trace should have many time steps";
  for (const auto& e : std::filesystem::directory_iterator(d.path))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << "left behind: " << e.path();
}

TEST(Simulate, FloatSchemeOnIntegerHardwareIsRefused) {
  TempDir d;
  const ToolRun r = run_qtsim("simulate workloads/fmnist-resnet-bn.json --hw workloads/hw/int8-fixup-16x16.json --out " +
                              (d.path / "o").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("int8-fixup-16x16.json: expected hardware that can run fmnist-resnet-bn, found scheme 'fp32-bn' "
                       "computes in FP32 but the hardware 'int8-fixup-16x16' has an int8 MAC array"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(d.path / "o"));
}

TEST(Simulate, ExactRunAboveTheMemoryLimitSuggestsTimingMode) {
  TempDir d;
  const ToolRun r = run_qtsim("simulate workloads/fmnist-resnet-fixup.json --hw workloads/hw/int8-fixup-16x16.json "
                              "--max-memory 10M --out " + (d.path / "o").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("at --max-memory"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("use --mode timing"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d.path / "o"));
}

TEST(Simulate, BadOptionsNameTheOption) {
  const ToolRun mode = run_qtsim("simulate workloads/fmnist-resnet-fixup.json --hw workloads/hw/int8-fixup-16x16.json --mode fast --out /tmp/never");
  EXPECT_EQ(mode.exit_code, 2);
  EXPECT_NE(mode.err.find("at --mode: expected exact or timing, found \"fast\""), std::string::npos) << mode.err;
  const ToolRun dataflow = run_qtsim("simulate workloads/fmnist-resnet-fixup.json --hw workloads/hw/int8-fixup-16x16.json --dataflow rs --out /tmp/never");
  EXPECT_EQ(dataflow.exit_code, 2);
  EXPECT_NE(dataflow.err.find("at --dataflow: expected os, ws or is"), std::string::npos) << dataflow.err;
  const ToolRun nohw = run_qtsim("simulate workloads/fmnist-resnet-fixup.json --out /tmp/never");
  EXPECT_EQ(nohw.exit_code, 2);
  EXPECT_NE(nohw.err.find("--hw"), std::string::npos) << nohw.err;
}

}  // namespace
}  // namespace qtsim::test

namespace qtsim::test {
namespace {

// The SCALE-Sim example through the command line: ResNet-18's first
// three conv layers on a 32x32 array in each dataflow.
TEST(Simulate, ScaleSimInputsReproduceScaleSimComputeCycles) {
  const std::map<std::string, std::vector<std::string>> expected{
      {"os", {"163855", "125047", "125047"}}, {"ws", {"126379", "116279", "116279"}}, {"is", {"309679", "278711", "278711"}}};
  for (const auto& [df, cycles] : expected) {
    TempDir d;
    const ToolRun r = run_qtsim("simulate --scalesim-cfg tests/scalesim/resnet18_32x32_" + df +
                                ".cfg --topology tests/scalesim/resnet18_first3.csv --ideal-memory --out " + d.path.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string report = read_file(d.path / "COMPUTE_REPORT.csv");
    for (std::size_t layer = 0; layer < 3; ++layer)
      EXPECT_NE(report.find(std::to_string(layer) + ", " + cycles[layer] + ", 0,"), std::string::npos) << df << "\n" << report;
  }
}

}  // namespace
}  // namespace qtsim::test
