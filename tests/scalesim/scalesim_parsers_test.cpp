// SCALE-Sim inputs: the .cfg and topology parsers (good files and every kind
// of error, with file, line, column, expected and found), the output-size
// convention, and SCALE-Sim's report arithmetic. No simulation here.
#include <gtest/gtest.h>

#include <string>

#include "sim/input/diagnostic.hpp"
#include "sim/scalesim/scalesim_config.hpp"
#include "sim/scalesim/scalesim_metrics.hpp"
#include "sim/scalesim/scalesim_topology.hpp"

namespace qtsim::scalesim {
namespace {

const std::string kDir = QTSIM_SCALESIM_TEST_DIR;

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const input::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string cfg_error(const std::string& text) { return error_of([&] { parse_scalesim_cfg(text, "t.cfg"); }); }
std::string topo_error(const std::string& text) { return error_of([&] { parse_topology(text, "t.csv"); }); }

const char* kArch =
    "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 16\nIfmapSramSzkB: 64\nFilterSramSzkB: 32\nOfmapSramSzkB: 16\n";

TEST(ScaleSimCfg, ReadsTheExample) {
  const ScaleSimConfig c = load_scalesim_cfg(kDir + "/resnet18_32x32_ws.cfg");
  EXPECT_EQ(c.run_name, "resnet18_32x32_ws");
  EXPECT_EQ(c.rows, 32);
  EXPECT_EQ(c.cols, 32);
  EXPECT_EQ(c.ifmap_kb, 64);
  EXPECT_EQ(c.filter_kb, 64);
  EXPECT_EQ(c.ofmap_kb, 64);
  EXPECT_EQ(c.dataflow, hw::Dataflow::ws);
  EXPECT_TRUE(c.user_bandwidth);
  EXPECT_EQ(c.bandwidths, std::vector<std::int64_t>{64});
  EXPECT_EQ(c.topology, "resnet18_first3.csv");
}

TEST(ScaleSimCfg, ConfigparserSyntax) {
  // '=' or ':', case-insensitive keys, comments, CRLF, unknown sections skipped,
  // SCALE-Sim's unused keys accepted, default run name from the file name.
  const std::string text =
      "; a comment\r\n[architecture_presets]\r\narrayheight = 8\r\nARRAYWIDTH:16\r\n  # indented comment\r\n"
      "IfmapSramSzkB:64\r\nFilterSramSzkB : 32\r\nOfmapSramSzkB=16\r\nDataflow : is\r\nIfmapOffset: 0\r\n"
      "Bandwidth : 10, 20\r\nIfmapCustomLayout: True\r\n\r\n[sparsity]\r\nSparsitySupport : false\r\nAnything: goes\r\n"
      "[run_presets]\r\nInterfaceBandwidth: CALC\r\n";
  const ScaleSimConfig c = parse_scalesim_cfg(text, "dir/my_run.cfg");
  EXPECT_EQ(c.run_name, "my_run");
  EXPECT_EQ(c.rows, 8);
  EXPECT_EQ(c.cols, 16);
  EXPECT_EQ(c.filter_kb, 32);
  EXPECT_EQ(c.ofmap_kb, 16);
  EXPECT_EQ(c.dataflow, hw::Dataflow::is);
  EXPECT_FALSE(c.user_bandwidth);
  EXPECT_EQ(c.bandwidths, (std::vector<std::int64_t>{10, 20}));
  EXPECT_TRUE(c.topology.empty());
}

TEST(ScaleSimCfg, Errors) {
  EXPECT_EQ(cfg_error(std::string(kArch) + "Dataflow: rs\n"),
            "t.cfg: at line 7, column 11 (Dataflow): expected one of os, ws, is, found \"rs\" (did you mean 'os'?)");
  EXPECT_EQ(cfg_error("[architecture_presets]\nArrayHieght: 8\nArrayWidth: 0\nIfmapSramSzkB: 64kB\nFilterSramSzkB: 32\n"
                      "OfmapSramSzkB: 16\nDataflow: os\n"),
            "t.cfg: at line 2, column 1: expected a key of [architecture_presets]: ArrayHeight, ArrayWidth, IfmapSramSzkB, "
            "FilterSramSzkB, OfmapSramSzkB, Dataflow, Bandwidth, IfmapOffset, FilterOffset, OfmapOffset, MemoryBanks, "
            "OnChipMemoryBanks, OnChipMemoryBankPorts, IfmapCustomLayout, FilterCustomLayout, IfmapSRAMBankBandwidth, "
            "IfmapSRAMBankNum, IfmapSRAMBankPort, FilterSRAMBankBandwidth, FilterSRAMBankNum, FilterSRAMBankPort, "
            "ReadRequestBuffer, WriteRequestBuffer, found unknown key \"ArrayHieght\" (did you mean 'ArrayHeight'?)\n"
            "t.cfg: at line 3, column 13 (ArrayWidth): expected an integer in [1, 1024] (columns of the MAC array), found 0\n"
            "t.cfg: at line 4, column 16 (IfmapSramSzkB): expected an integer in [1, 1048576] (ifmap SRAM size in KiB), found \"64kB\"");
  EXPECT_EQ(cfg_error(std::string(kArch) + "Dataflow: os\n[run_presets]\nInterfaceBandwidth: USER\n"),
            "t.cfg: at [architecture_presets] Bandwidth (section at line 1): expected key \"Bandwidth\" (DRAM words per cycle) "
            "since InterfaceBandwidth is USER, found nothing");
  EXPECT_EQ(cfg_error(std::string(kArch) + "Dataflow: os\nBandwidth: 10,x\n[run_presets]\nInterfaceBandwidth: USR\n"),
            "t.cfg: at line 8, column 12 (Bandwidth): expected DRAM bandwidth in words per cycle: integers from 1 to 100000 "
            "separated by commas (one per memory bank), found \"10,x\"\n"
            "t.cfg: at line 10, column 21 (InterfaceBandwidth): expected USER or CALC, found \"USR\" (did you mean 'USER'?)");
  EXPECT_EQ(cfg_error("ArrayHeight: 8\n[general]\nrun_name = x\n"),
            "t.cfg: at line 1, column 1: expected a [section] header before the first key, found \"ArrayHeight: 8\"\n"
            "t.cfg: at [architecture_presets]: expected a section [architecture_presets] with the array's parameters, found only [general]");
  EXPECT_EQ(cfg_error(std::string(kArch) + "Dataflow: os\nArrayHeight: 4\n[architecture_presets]\n"),
            "t.cfg: at line 8, column 1: expected each key once in [architecture_presets] (\"ArrayHeight\" is at line 2), "
            "found a second \"ArrayHeight\"\n"
            "t.cfg: at line 9, column 1: expected each section once ([architecture_presets] is at line 1), found a second "
            "[architecture_presets]");
  EXPECT_EQ(cfg_error(std::string(kArch) + "Dataflow os\n[network_presets\n"),
            "t.cfg: at line 7, column 1: expected a line \"key = value\" or \"key: value\", a [section] or a comment, found "
            "\"Dataflow os\"\n"
            "t.cfg: at line 8, column 1: expected a section header such as [architecture_presets], found \"[network_presets\"\n"
            "t.cfg: at [architecture_presets] Dataflow (section at line 1): expected key \"Dataflow\" (os, ws or is), found nothing");
  EXPECT_EQ(cfg_error(std::string(kArch) + "Dataflow: os\n[network_presets]\nTopologyCsvLoc: resnet.csv\n"),
            "t.cfg: at line 9, column 17 (TopologyCsvLoc): expected a path in double quotes, e.g. \"topologies/resnet18.csv\", "
            "found \"resnet.csv\"");
  EXPECT_EQ(cfg_error(""), "t.cfg: at [architecture_presets]: expected a section [architecture_presets] with the array's "
                           "parameters, found no sections");
  EXPECT_EQ(error_of([] { load_scalesim_cfg(kDir + "/no_such.cfg"); }), kDir + "/no_such.cfg: expected an existing file, found no such file");
}

TEST(ScaleSimTopology, ReadsTheExample) {
  const std::vector<TopologyLayer> l = load_topology(kDir + "/resnet18_first3.csv");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0].name, "Conv1");
  EXPECT_EQ(l[0].ifmap_h, 229);
  EXPECT_EQ(l[0].filter_w, 7);
  EXPECT_EQ(l[0].channels, 3);
  EXPECT_EQ(l[0].filters, 64);
  EXPECT_EQ(l[0].stride_h, 2);
  EXPECT_EQ(l[0].stride_w, 2);
  EXPECT_EQ(l[0].ofmap_h(), 112);
  EXPECT_EQ(l[0].gemm().m, 112 * 112);
  EXPECT_EQ(l[0].gemm().n, 64);
  EXPECT_EQ(l[0].gemm().k, 147);
  EXPECT_EQ(l[1].name, "Conv2_1a");
  EXPECT_EQ(l[1].gemm().m, 56 * 56);
  EXPECT_EQ(l[1].line, 3);
  EXPECT_EQ(l[2].gemm().k, 576);
}

TEST(ScaleSimTopology, TrailingCommaOptionalNinthFieldDepthwise) {
  const std::vector<TopologyLayer> l = load_topology(kDir + "/odd_layers.csv");
  ASSERT_EQ(l.size(), 7u);  // DPConv expands into one layer per channel
  EXPECT_EQ(l[1].name, "Odd");
  EXPECT_EQ(l[1].filter_w, 2);
  EXPECT_EQ(l[4].name, "DPConvChannel_0");
  EXPECT_EQ(l[6].name, "DPConvChannel_2");
  EXPECT_EQ(l[6].channels, 1);
  EXPECT_EQ(l[6].filters, 1);
  const auto s = parse_topology("Layer, H, W, R, S, C, K, Sh, Sw,\r\n\r\nA, 9, 9, 3, 3, 2, 4, 2, 2,\r\n", "t.csv");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].stride_w, 2);
  EXPECT_EQ(s[0].line, 3);
}

TEST(ScaleSimTopology, OutputSizeFollowsScaleSim) {
  // ceil((H - F + S) / S); the conv floor formula with pad 0 agrees only when S divides H - F.
  const auto l = parse_topology("h\nA,224,224,7,7,3,64,2\nB,229,229,7,7,3,64,2\nC,11,13,2,3,1,1,2\n", "t.csv");
  EXPECT_EQ(l[0].ofmap_h(), 110);
  EXPECT_EQ((224 - 7) / 2 + 1, 109) << "the floor formula gives one less";
  EXPECT_EQ(l[1].ofmap_h(), 112);
  EXPECT_EQ((229 - 7) / 2 + 1, 112) << "and agrees when the stride divides H - F";
  for (const TopologyLayer& t : l) {
    const hw::ConvShape s = t.conv_shape();
    EXPECT_EQ(s.p(), t.ofmap_h()) << t.name;
    EXPECT_EQ(s.q(), t.ofmap_w()) << t.name;
    EXPECT_EQ(s.pad, 0);
    EXPECT_EQ(s.n, 1);
    EXPECT_GE(s.h, t.ifmap_h);
    EXPECT_LT(s.h, t.ifmap_h + t.stride_h) << "extended by less than one stride";
  }
  EXPECT_EQ(l[0].conv_shape().h, 225);
  EXPECT_EQ(l[1].conv_shape().h, 229);
  EXPECT_EQ(l[2].ofmap_w(), 6);
  EXPECT_EQ(l[2].conv_shape().w, 13);
}

TEST(ScaleSimTopology, Errors) {
  EXPECT_EQ(topo_error("Conv1,229,229,7,7,3,64,2,\n"),
            "t.csv: at line 1, column 1 (Layer name): expected a header row first (SCALE-Sim skips the first line unread), "
            "found a layer row (add the line: Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
            "Num Filter, Strides,)");
  EXPECT_EQ(topo_error("header\nConv1, 229, 22x9, 7, 7, 0, 64, 2,\n, 5, 5, 6, 3, 1, 1, 1\n"),
            "t.csv: at line 2, column 13 (IFMAP Width): expected an integer in [1, 65536], found \"22x9\"\n"
            "t.csv: at line 2, column 25 (Channels): expected an integer in [1, 1048576], found 0\n"
            "t.csv: at line 3, column 1 (Layer name): expected a layer name, found an empty field\n"
            "t.csv: at line 3, column 9 (Filter Height): expected at most the IFMAP Height 5, found 6");
  EXPECT_EQ(topo_error("header\nA,9,9,3,3,2,4\nB,9,9,3,3,2,4,1,1,7,\nC,9,9,3,3,2,4,1,2\n"),
            "t.csv: at line 2, column 14: expected 8 fields (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter "
            "Width, Channels, Num Filter, Strides) or 9 (Stride height, Stride width), found 7 fields\n"
            "t.csv: at line 3, column 19: expected 8 fields (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter "
            "Width, Channels, Num Filter, Strides) or 9 (Stride height, Stride width), found 10 fields\n"
            "t.csv: at line 4, column 17 (Stride width): expected the stride height 1 (a conv shape here has one stride), found 2");
  EXPECT_EQ(topo_error(""), "t.csv: expected a header row and at least one layer row, found an empty file");
  EXPECT_EQ(topo_error("Layer name, IFMAP Height\n\n"), "t.csv: expected at least one layer row after the header, found only the header");
}

// Found by fuzzing (tests/fuzz/regressions/scalesim_topology): a layer's MAC
// count overflowed int64, and a few bytes of depthwise layers asked for
// millions of expanded layers.
TEST(ScaleSimTopology, RefusesAbsurdSizes) {
  EXPECT_EQ(topo_error("header\nL, 65536, 65536, 65536, 65536, 1048576, 1048576, 1,\n"),
            "t.csv: at line 2, column 1 (Layer name): expected a layer of at most 1099511627776 MACs, 1099511627776 "
            "input elements and 1099511627776 weights, found more than 1099511627776 MACs, more than 1099511627776 "
            "input elements, more than 1099511627776 weights");
  EXPECT_EQ(topo_error("header\nL, 65536, 65536, 1, 1, 1048576, 1, 4096,\n"),
            "t.csv: at line 2, column 1 (Layer name): expected a layer of at most 1099511627776 MACs, 1099511627776 "
            "input elements and 1099511627776 weights, found 303038464 MACs, more than 1099511627776 input elements, "
            "1048576 weights");
  EXPECT_EQ(topo_error("header\nDP1, 8, 8, 3, 3, 60000, 1, 1,\nDP2, 8, 8, 3, 3, 6000, 1, 1,\n"),
            "t.csv: at line 3, column 1 (Layer name): expected at most 65536 layers in all (a depthwise layer, one whose "
            "name contains \"DP\", counts once per channel), found 66000 layers up to this line");
  EXPECT_EQ(parse_topology("header\nDP1, 8, 8, 3, 3, 65535, 1, 1,\nC, 4, 4, 1, 1, 1, 1, 1\n", "t.csv").size(), 65536u);
}

TEST(ScaleSimMetrics, PythonFloatFormat) {
  EXPECT_EQ(python_float(100.0), "100.0");
  EXPECT_EQ(python_float(91.875), "91.875");
  EXPECT_EQ(python_float(0.0), "0.0");
  EXPECT_EQ(python_float(70.3349282296649), "70.3349282296649");
  EXPECT_EQ(python_float(31.111111111110958), "31.111111111110958");
  EXPECT_EQ(python_float(1e-05), "1e-05");
  EXPECT_EQ(python_float(0.0001), "0.0001");
  EXPECT_EQ(python_float(1e16), "1e+16");
  EXPECT_EQ(python_float(123456789012345.0), "123456789012345.0");
}

TEST(ScaleSimMetrics, MappingEfficiencyAndComputeUtilization) {
  // OS 32x32 on Conv1 (M 12544, N 64, K 147): every fold full, util = K / (K + R + C - 2).
  FoldMetrics os;
  os.add(hw::Dataflow::os, 32, 32, {12544, 64, 147});
  EXPECT_EQ(os.folds, 784);
  EXPECT_EQ(os.mapping_efficiency_percent(), 100.0);
  EXPECT_NEAR(os.compute_util_percent(), 100.0 * 147 / 209, 1e-9);
  // WS: window 147 = 4 full row folds + 19 rows, filters 64 = 2 column folds.
  FoldMetrics ws;
  ws.add(hw::Dataflow::ws, 32, 32, {12544, 64, 147});
  EXPECT_EQ(ws.folds, 10);
  EXPECT_EQ(ws.mapping_efficiency_percent(), 91.875);
  // SCALE-Sim's WS/IS fold cycles for utilization: 2R + 2C + T - 3.
  EXPECT_NEAR(ws.compute_util_percent(), 100.0 * (147.0 / 160) * 12544 / (64 + 64 + 12544 - 3), 1e-9);
  // Non-square, partial folds both ways: OS 5x3 on M 7, N 4, K 9.
  FoldMetrics odd;
  odd.add(hw::Dataflow::os, 5, 3, {7, 4, 9});
  EXPECT_EQ(odd.folds, 4);  // rows 5+2, columns 3+1
  EXPECT_NEAR(odd.mapping_efficiency_percent(), 100.0 * (15 + 6 + 5 + 2) / 15 / 4, 1e-12);
  EXPECT_EQ(overall_util_percent(12544LL * 64 * 147, 163855, 1024), 12544.0 * 64 * 147 * 100 / (163855.0 * 1024));
}

}  // namespace
}  // namespace qtsim::scalesim
