// SCALE-Sim inputs: SCALE-Sim's figures and qtsim's own accelerator (timing
// mode). Each test is one simulation, so one process (ctest runs each alone).
//  - SCALE-Sim's own outputs (tests/scalesim/reference, made with an unmodified
//    SCALE-Sim v2 by scripts/scalesim-reference/generate.py): its default
//    scale.cfg (32x32, 64 KiB, InterfaceBandwidth CALC) on Resnet18.csv and
//    alexnet.csv in OS, WS and IS, and GEMM-format topologies: COMPUTE_REPORT.csv
//    byte for byte; CALC results that do not change with the SRAM sizes;
//    USER-bandwidth runs within 5 % of SCALE-Sim's Total Cycles per layer.
//  - The acceptance example: a 32x32 array on Conv1 229/7/2 and Conv2_1a 58/3/1 (twice)
//    gives OS 163,855 / 125,047 / 125,047, WS 126,379 / 116,279 / 116,279 and
//    IS 309,679 / 278,711 / 278,711 cycles (tests/scalesim/expected, made by
//    scalesim_mirror.py from SCALE-Sim v2's arithmetic).
//  - Non-square arrays, partial folds, odd shapes: with ideal memory qtsim's
//    accelerator runs every layer as one tile in the closed forms' cycles
//    (fold_model.hpp).
//  - With the cfg's own SRAM sizes and bandwidth: tiles, stalls, consistent totals.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
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

// The closed forms of SCALE-Sim's compute cycles (P pixels, K filters, W window).
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
  const std::vector<QtsimLayerRun> runs = simulate_layers(hw, layers);
  const std::vector<ScaleSimLayerResult> r = scalesim_results(cfg, true, layers, runs);
  ASSERT_EQ(r.size(), layers.size());
  for (const ScaleSimLayerResult& x : r) {
    SCOPED_TRACE(x.layer.name);
    const std::int64_t P = x.layer.ofmap_h() * x.layer.ofmap_w(), K = x.layer.filters, W = x.layer.window();
    EXPECT_EQ(x.qtsim.tiles, 1) << "ideal memory: one tile";
    EXPECT_EQ(x.compute_cycles, closed_form(df, rows, cols, P, K, W));
    EXPECT_EQ(x.compute_cycles, hw::scalesim_cycles(df, rows, cols, {P, K, W}));
    EXPECT_EQ(x.qtsim.busy_cycles, x.compute_cycles);
    EXPECT_EQ(x.qtsim.elapsed_cycles, x.qtsim.busy_cycles) << "ideal memory: no stalls";
    EXPECT_EQ(x.total_cycles, x.compute_cycles);
    EXPECT_EQ(x.stall_cycles, 0);
    EXPECT_EQ(x.qtsim.folds, hw::fold_plan(df, rows, cols, {P, K, W}).folds);
    EXPECT_EQ(x.metrics.folds, x.qtsim.folds);
    EXPECT_EQ(x.qtsim.actions[hw::Action::mac_int8], static_cast<std::uint64_t>(x.layer.macs()));
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
  // USER bandwidth, 64 words/cycle: SCALE-Sim's stalls in COMPUTE_REPORT, qtsim's run beside them.
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
  const std::int64_t compute[3] = {163855, 125047, 125047};
  int n = 0;
  while (std::getline(lines, line)) {
    long long id = 0, total = 0, stall = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "%lld, %lld, %lld,", &id, &total, &stall), 3) << line;
    EXPECT_EQ(id, n);
    EXPECT_GE(stall, 0);
    EXPECT_EQ(total - stall, compute[n]) << "Total - Stall = SCALE-Sim's compute cycles";
    ++n;
  }
  EXPECT_EQ(n, 3);
  const std::string layers = read_file(o.out_dir + "/QTSIM_LAYER_REPORT.csv");
  EXPECT_NE(layers.find("Conv1"), std::string::npos);
  EXPECT_NE(layers.find("qtsim_tile_mnk"), std::string::npos);
  std::filesystem::remove_all(o.out_dir);
}

TEST(ScaleSimRun, QtsimsRunWithTheCfgsMemory) {
  const ScaleSimConfig cfg = load_scalesim_cfg(kDir + "/resnet18_32x32_ws.cfg");
  const hw::HwConfig hw = scalesim_hw_config(cfg, false);
  const std::vector<TopologyLayer> layers = load_topology(kDir + "/resnet18_first3.csv");
  const std::vector<QtsimLayerRun> r = simulate_layers(hw, layers, cfg.file);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_GT(r[0].tiles, 1) << "Conv1's 229x229x3 input does not fit one 32 KiB half";
  for (std::size_t i = 0; i < r.size(); ++i) {
    SCOPED_TRACE(layers[i].name);
    // The mapper keeps tiles aligned to the array: the layer's folds, and at most a
    // few refills where it cuts the stream to save transfers (WS here).
    const std::int64_t whole = hw::scalesim_cycles(cfg.dataflow, cfg.rows, cfg.cols, layers[i].gemm());
    EXPECT_GE(r[i].busy_cycles, whole);
    EXPECT_LE(static_cast<double>(r[i].busy_cycles), 1.10 * static_cast<double>(whole)) << r[i].tile << " " << r[i].loop_order;
    EXPECT_GE(r[i].elapsed_cycles, r[i].busy_cycles);
    EXPECT_GT(r[i].actions[hw::Action::dram_read], 0u);
    EXPECT_EQ(r[i].actions[hw::Action::mac_int8], static_cast<std::uint64_t>(layers[i].macs()));
  }
}

// SCALE-Sim's own reports (tests/scalesim/reference): the run's cfg and
// topology through run_scalesim; `exact` compares COMPUTE_REPORT.csv byte for
// byte, otherwise Total Cycles within 5 % per layer and the rest of each line
// exactly where it does not depend on the stalls.
void check_reference(const std::string& dir, const std::string& topology, bool exact,
                     TopologyFormat format = TopologyFormat::from_header) {
  ScaleSimOptions o;
  o.cfg_path = kDir + "/reference/" + dir + "/scale.cfg";
  o.topology_path = kDir + "/reference/" + dir + "/" + topology;
  o.topology_format = format;
  o.out_dir = temp_dir("ref");
  std::ostringstream log;
  ASSERT_EQ(run_scalesim(o, log), 0);
  const std::string ours = read_file(o.out_dir + "/COMPUTE_REPORT.csv");
  const std::string theirs = read_file(kDir + "/reference/" + dir + "/COMPUTE_REPORT.csv");
  ASSERT_FALSE(theirs.empty()) << dir;
  if (exact) {
    EXPECT_EQ(ours, theirs) << dir;
  } else {
    std::istringstream a(ours), b(theirs);
    std::string la, lb;
    int n = 0;
    while (std::getline(b, lb)) {
      ASSERT_TRUE(std::getline(a, la)) << "layer " << n;
      if (n++ == 0) continue;
      long long id = 0, ta = 0, sa = 0, tb = 0, sb = 0;
      ASSERT_EQ(std::sscanf(la.c_str(), "%lld, %lld, %lld,", &id, &ta, &sa), 3);
      ASSERT_EQ(std::sscanf(lb.c_str(), "%lld, %lld, %lld,", &id, &tb, &sb), 3);
      EXPECT_EQ(ta - sa, tb - sb) << dir << " layer " << id << ": compute cycles";
      EXPECT_LE(std::abs(static_cast<double>(ta - tb)), 0.05 * static_cast<double>(tb))
          << dir << " layer " << id << ": total " << ta << ", SCALE-Sim " << tb;
    }
  }
  std::filesystem::remove_all(o.out_dir);
}

class CalcReference : public ::testing::TestWithParam<std::string> {};

TEST_P(CalcReference, ComputeReportIsScaleSims) {
  const std::string dir = GetParam();
  check_reference("calc/" + dir, dir.rfind("alexnet", 0) == 0 ? "alexnet.csv" : "Resnet18.csv", true);
}

INSTANTIATE_TEST_SUITE_P(DefaultConfig, CalcReference,
                         ::testing::Values("resnet18_os_64k", "resnet18_ws_64k", "resnet18_is_64k", "alexnet_os_64k",
                                           "alexnet_ws_64k", "alexnet_is_64k", "resnet18_os_8k", "alexnet_os_8k"));

// In CALC mode SCALE-Sim's cycles do not depend on the SRAM sizes (its 8 KiB
// and 64 KiB runs agree), and so neither do ours (CalcReference checks both).
TEST(CalcReferenceSram, ScaleSimsCyclesIgnoreTheSramSizes) {
  for (const char* net : {"resnet18", "alexnet"}) {
    const std::string a = read_file(kDir + "/reference/calc/" + net + "_os_64k/COMPUTE_REPORT.csv");
    const std::string b = read_file(kDir + "/reference/calc/" + net + "_os_8k/COMPUTE_REPORT.csv");
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a, b) << net;
  }
}

class GemmReference : public ::testing::TestWithParam<std::string> {};

TEST_P(GemmReference, GemmTopologies) {
  const std::string dir = GetParam();
  check_reference("gemm/" + dir, "gemm_mnk.csv", dir.find("calc") != std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Configs, GemmReference,
                         ::testing::Values("g01_32x32_os_calc_i64f64o64", "g02_16x16_ws_calc_i64f64o64",
                                           "g03_8x32_is_calc_i32f32o32", "g04_32x32_os_bw10_i64f64o64",
                                           "g05_16x16_ws_bw4_i16f16o16", "g06_8x32_is_bw2_i8f32o16"));

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
