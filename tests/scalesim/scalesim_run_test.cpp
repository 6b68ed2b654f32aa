// SCALE-Sim inputs run on the SystemC accelerator (timing mode). Each test is
// one simulation, so one process (ctest runs each test alone).
//  - Issue 3's example: a 32x32 array on Conv1 229/7/2 and Conv2_1a 58/3/1 (twice)
//    gives OS 163,855 / 125,047 / 125,047, WS 126,379 / 116,279 / 116,279 and
//    IS 309,679 / 278,711 / 278,711 cycles, and COMPUTE_REPORT.csv equals
//    SCALE-Sim's figures digit for digit (tests/scalesim/expected, made by
//    scalesim_mirror.py from SCALE-Sim v2's arithmetic).
//  - Non-square arrays, partial folds, odd shapes: every layer's cycles equal the
//    closed forms (../shared/COSTS.md, fold_model.hpp).
//  - With the cfg's own SRAM sizes and bandwidth: blocks, stalls, consistent totals.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>

#include "models/hw/mapping/fold_model.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/scalesim/run_scalesim.hpp"

namespace qtsim::hw {
// Test names and parameters print "os", not the enum's bytes.
inline void PrintTo(Dataflow d, std::ostream* os) { *os << to_string(d); }
}  // namespace qtsim::hw

namespace qtsim::scalesim {
namespace {

const std::string kDir = QTSIM_SCALESIM_TEST_DIR;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string temp_dir(const std::string& tag) {
  const auto p = std::filesystem::temp_directory_path() / ("qtsim-scalesim-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  return p.string();
}

// The closed forms as ../shared/COSTS.md states them (P pixels, K filters, W window).
std::int64_t closed_form(hw::Dataflow df, std::int64_t R, std::int64_t C, std::int64_t P, std::int64_t K, std::int64_t W) {
  auto cd = [](std::int64_t a, std::int64_t b) { return (a + b - 1) / b; };
  switch (df) {
    case hw::Dataflow::os: return cd(P, R) * cd(K, C) * (W + R + C - 2) - 1;
    case hw::Dataflow::ws: return cd(W, R) * cd(K, C) * (P + 2 * R + C - 2) - 1;
    case hw::Dataflow::is: return cd(W, R) * cd(P, C) * (K + 2 * R + C - 2) - 1;
  }
  return 0;
}

class Issue3Example : public ::testing::TestWithParam<std::string> {};

TEST_P(Issue3Example, ReproducesScaleSimExactly) {
  const std::string df = GetParam();
  ScaleSimOptions o;
  o.cfg_path = kDir + "/resnet18_32x32_" + df + ".cfg";  // topology from its TopologyCsvLoc
  o.out_dir = temp_dir(df);
  o.ideal_memory = true;
  std::ostringstream log;
  ASSERT_EQ(run_scalesim(o, log), 0);
  const std::string report = read_file(o.out_dir + "/COMPUTE_REPORT.csv");
  EXPECT_EQ(report, read_file(kDir + "/expected/COMPUTE_REPORT_" + df + ".csv")) << log.str();
  const std::int64_t expected[3][3] = {{163855, 125047, 125047}, {126379, 116279, 116279}, {309679, 278711, 278711}};
  const int row = df == "os" ? 0 : df == "ws" ? 1 : 2;
  for (int l = 0; l < 3; ++l)
    EXPECT_NE(report.find("\n" + std::to_string(l) + ", " + std::to_string(expected[row][l]) + ", 0, "), std::string::npos)
        << "layer " << l;
  const std::string layers = read_file(o.out_dir + "/QTSIM_LAYER_REPORT.csv");
  EXPECT_EQ(std::count(layers.begin(), layers.end(), '\n'), 4);
  EXPECT_NE(log.str().find("Conv2_1b"), std::string::npos);
  std::filesystem::remove_all(o.out_dir);
}

INSTANTIATE_TEST_SUITE_P(Dataflows, Issue3Example, ::testing::Values("os", "ws", "is"));

// rows, cols, dataflow
class NonSquare : public ::testing::TestWithParam<std::tuple<int, int, hw::Dataflow>> {};

TEST_P(NonSquare, EveryLayerMatchesTheClosedForms) {
  const auto [rows, cols, df] = GetParam();
  ScaleSimConfig cfg;
  cfg.file = "inline.cfg";
  cfg.run_name = "nonsquare";
  cfg.rows = rows;
  cfg.cols = cols;
  cfg.dataflow = df;
  cfg.ifmap_kb = cfg.filter_kb = cfg.ofmap_kb = 64;
  const hw::HwConfig hw = scalesim_hw_config(cfg, true);
  std::vector<TopologyLayer> layers = load_topology(kDir + "/odd_layers.csv");
  for (const TopologyLayer& l : load_topology(kDir + "/resnet18_first3.csv")) layers.push_back(l);
  const std::vector<ScaleSimLayerResult> r = simulate_layers(hw, layers);
  ASSERT_EQ(r.size(), layers.size());
  for (const ScaleSimLayerResult& x : r) {
    SCOPED_TRACE(x.layer.name);
    const std::int64_t P = x.layer.ofmap_h() * x.layer.ofmap_w(), K = x.layer.filters, W = x.layer.window();
    EXPECT_EQ(x.blocks, 1);
    EXPECT_EQ(x.compute_cycles, closed_form(df, rows, cols, P, K, W));
    EXPECT_EQ(x.compute_cycles, hw::scalesim_cycles(df, rows, cols, {P, K, W}));
    EXPECT_EQ(x.formula_cycles, x.compute_cycles);
    EXPECT_EQ(x.total_cycles, x.compute_cycles) << "ideal memory: no stalls";
    EXPECT_EQ(x.stall_cycles, 0);
    EXPECT_EQ(x.folds, hw::fold_plan(df, rows, cols, {P, K, W}).folds);
    EXPECT_EQ(x.metrics.folds, x.folds);
    EXPECT_EQ(x.actions[hw::Action::mac_int8], static_cast<std::uint64_t>(x.layer.macs()));
  }
}

INSTANTIATE_TEST_SUITE_P(Arrays, NonSquare,
                         ::testing::Combine(::testing::Values(8, 3), ::testing::Values(16, 5),
                                            ::testing::Values(hw::Dataflow::os, hw::Dataflow::ws, hw::Dataflow::is)),
                         [](const auto& info) {
                           return std::to_string(std::get<0>(info.param)) + "x" + std::to_string(std::get<1>(info.param)) +
                                  "_" + hw::to_string(std::get<2>(info.param));
                         });

TEST(ScaleSimRun, WithTheCfgsSramAndBandwidth) {
  // 64 KiB buffers cut Conv1 into blocks; 64 words/cycle is shared by all transfers here.
  ScaleSimOptions o;
  o.cfg_path = kDir + "/resnet18_32x32_os.cfg";
  o.topology_path = kDir + "/resnet18_first3.csv";
  o.out_dir = temp_dir("cfg");
  std::ostringstream log;
  ASSERT_EQ(run_scalesim(o, log), 0);
  const ScaleSimConfig cfg = load_scalesim_cfg(o.cfg_path);
  const hw::HwConfig hw = scalesim_hw_config(cfg, false);
  EXPECT_EQ(hw.ifmap.capacity_bytes, 64u * 1024);
  EXPECT_EQ(hw.ofmap.capacity_bytes, 4u * 64 * 1024) << "int32 words";
  EXPECT_EQ(hw.dram.bandwidth_gb_per_s, 64.0);
  const std::string report = read_file(o.out_dir + "/COMPUTE_REPORT.csv");
  std::istringstream lines(report);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,");
  int n = 0;
  while (std::getline(lines, line)) {
    long long id = 0, total = 0, stall = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "%lld, %lld, %lld,", &id, &total, &stall), 3) << line;
    EXPECT_EQ(id, n);
    EXPECT_GE(total, stall);
    EXPECT_GE(stall, 0);
    ++n;
  }
  EXPECT_EQ(n, 3);
  const std::string layers = read_file(o.out_dir + "/QTSIM_LAYER_REPORT.csv");
  EXPECT_NE(layers.find("Conv1"), std::string::npos);
  std::filesystem::remove_all(o.out_dir);
}

TEST(ScaleSimRun, ResultsFromTheCfgsMemory) {
  const ScaleSimConfig cfg = load_scalesim_cfg(kDir + "/resnet18_32x32_ws.cfg");
  const hw::HwConfig hw = scalesim_hw_config(cfg, false);
  const std::vector<ScaleSimLayerResult> r = simulate_layers(hw, load_topology(kDir + "/resnet18_first3.csv"), cfg.file);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_GT(r[0].blocks, 1) << "Conv1's 229x229x3 input does not fit one 32 KiB half";
  for (const ScaleSimLayerResult& x : r) {
    SCOPED_TRACE(x.layer.name);
    EXPECT_GE(x.compute_cycles, x.formula_cycles) << "blocks add partial folds, never remove cycles";
    EXPECT_EQ(x.stall_cycles, x.total_cycles - x.compute_cycles);
    EXPECT_GE(x.total_cycles, x.compute_cycles);
    EXPECT_GT(x.actions[hw::Action::dram_read], 0u);
    EXPECT_EQ(x.actions[hw::Action::mac_int8], static_cast<std::uint64_t>(x.layer.macs()));
  }
}

TEST(ScaleSimRun, BufferTooSmallNamesTheCfgKey) {
  ScaleSimConfig cfg = parse_scalesim_cfg(
      "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\nIfmapSramSzkB: 1\nFilterSramSzkB: 64\nOfmapSramSzkB: 64\n"
      "Dataflow: os\n",
      "small.cfg");
  const hw::HwConfig hw = scalesim_hw_config(cfg, false);
  try {
    simulate_layers(hw, parse_topology("h\nWide,8,4096,8,8,64,8,1\n", "wide.csv"), cfg.file);
    FAIL() << "no error";
  } catch (const input::InputError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind("small.cfg: at [architecture_presets] IfmapSramSzkB: expected SRAM large enough for layer 'Wide' "
                      "(line 2 of the topology), found the ifmap buffer is too small",
                      0),
              0u)
        << m;
  }
}

TEST(ScaleSimRun, MissingTopologyIsAnInputError) {
  ScaleSimOptions o;
  o.cfg_path = kDir + "/resnet18_32x32_os.cfg";
  o.topology_path = kDir + "/no_such.csv";
  o.out_dir = temp_dir("missing");
  std::ostringstream log;
  try {
    run_scalesim(o, log);
    FAIL() << "no error";
  } catch (const input::InputError& e) {
    EXPECT_EQ(std::string(e.what()), kDir + "/no_such.csv: expected an existing file, found no such file");
  }
  EXPECT_FALSE(std::filesystem::exists(o.out_dir + "/COMPUTE_REPORT.csv"));
}

}  // namespace
}  // namespace qtsim::scalesim
