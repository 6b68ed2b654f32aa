// qtsim import end to end: the imported workload checks, simulates and
// validates like a hand-written one; the forward phase's MACs are the
// network's MACs per sample (counted by hand from the fixtures) times the
// batch; unsupported models and bad options exit 2 and write nothing.
#include "import_test_util.hpp"

namespace qtsim::import::test {
namespace {

using cli_test::json;
using cli_test::run_qtsim;
using cli_test::TempDir;

std::string hw(const std::string& name) { return (cli_test::source_dir() / "workloads/hw" / (name + ".json")).string(); }

// Multiply-accumulates of one sample's forward pass (output elements x a filter's inputs).
constexpr std::uint64_t kSeparableMacs = 8 * 8 * 8 * (3 * 9)  // features.0: 3 -> 8, 3x3, stride 2
                                         + 8 * 8 * 8 * 9        // features.1 depthwise 3x3
                                         + 16 * 8 * 8 * 8       // features.1 pointwise 8 -> 16
                                         + 16 * 8 * 8 * (4 * 9) // features.2: 4 groups of 4 channels, 3x3
                                         + 32 * 8 * 8 * 16      // features.3 expand 16 -> 32
                                         + 32 * 8 * 8 * 9       // features.3 depthwise 3x3
                                         + 16 * 8 * 8 * 32      // features.3 project 32 -> 16
                                         + 16 * 10;             // classifier
constexpr std::uint64_t kResidualMacs = 8 * 8 * 8 * (2 * 9)    // stem 2 -> 8, 3x3
                                        + 16 * 4 * 4 * (8 * 9)  // conv1 8 -> 16, 3x3, stride 2
                                        + 16 * 4 * 4 * (16 * 9) // conv2 16 -> 16, 3x3
                                        + 16 * 4 * 4 * 8        // projection 1x1, stride 2
                                        + 16 * 4;               // fc

std::uint64_t forward_macs(const std::filesystem::path& stats) {
  const json s = json::parse(cli_test::read_file(stats));
  for (const json& p : s.at("phases"))
    if (p.at("phase") == "forward") return p.at("actions").value("mac.int8", 0ull) + p.at("actions").value("mac.fp32", 0ull);
  return 0;
}

TEST(ImportCli, ImportedWorkloadsSimulateTheNetworksMacsTimesTheBatch) {
  TempDir d;
  const auto fixup = run_qtsim({"import", fixture("separable.onnx"), "--out", "separable.json", "--normalization", "fixup",
                                "--batch", "4"}, d.path);
  ASSERT_EQ(fixup.exit_code, 0) << fixup.err;
  EXPECT_NE(fixup.out.find("normalization fixup, scheme int8-eoq, batch 4, synthetic data"), std::string::npos) << fixup.out;
  const auto sim = run_qtsim({"simulate", "separable.json", "--hw", hw("int8-fixup-8x8"), "--mode", "timing", "--no-progress",
                              "--out", "sim-separable"}, d.path);
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  EXPECT_EQ(forward_macs(d / "sim-separable/stats.json"), kSeparableMacs * 4);

  const auto keep = run_qtsim({"import", fixture("residual-bn.onnx"), "--out", "residual.json", "--batch", "3"}, d.path);
  ASSERT_EQ(keep.exit_code, 0) << keep.err;
  const auto sim_bn = run_qtsim({"simulate", "residual.json", "--hw", hw("fp32-bn-8x8"), "--mode", "timing", "--no-progress",
                                 "--out", "sim-residual"}, d.path);
  ASSERT_EQ(sim_bn.exit_code, 0) << sim_bn.err;
  EXPECT_EQ(forward_macs(d / "sim-residual/stats.json"), kResidualMacs * 3);
}

TEST(ImportCli, ImportedFixupNetworkValidatesBitExactOnTheHardware) {
  TempDir d;
  ASSERT_EQ(run_qtsim({"import", fixture("separable.onnx"), "--out", "s.json", "--normalization", "fixup", "--batch", "2"}, d.path)
                .exit_code,
            0);
  const auto check = run_qtsim({"check", "s.json"}, d.path);
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("imported from " + fixture("separable.onnx")), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("features.3.dw.conv.Conv"), std::string::npos) << check.out;
  const auto v = run_qtsim({"validate", "s.json", "--hw", hw("int8-fixup-8x8"), "--steps", "1", "--quiet", "--no-progress"}, d.path);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("validation passed"), std::string::npos) << v.out;
}

TEST(ImportCli, UnsupportedOperatorsExitTwoAndWriteNothing) {
  TempDir d;
  const auto r = run_qtsim({"import", fixture("unsupported.onnx"), "--out", "u.json"}, d.path);
  EXPECT_EQ(r.exit_code, 2);
  const auto errors = r.errors();
  ASSERT_EQ(errors.size(), 4u) << r.err;
  EXPECT_NE(errors[0].find("at node 1 '/act1/LeakyRelu' (LeakyRelu): expected an operator qtsim has a layer for: Conv"),
            std::string::npos)
      << errors[0];
  EXPECT_NE(errors[3].find("at node 7 '/Softmax' (Softmax)"), std::string::npos) << errors[3];
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_FALSE(std::filesystem::exists(d / "u.json"));
  for (const auto& e : std::filesystem::directory_iterator(d.path)) ADD_FAILURE() << "left behind: " << e.path();
}

TEST(ImportCli, OptionsAreCheckedBeforeTheModelIsRead) {
  TempDir d;
  const auto r = run_qtsim({"import", "missing.onnx", "--out", "w.json", "--normalization", "fixed", "--scheme", "int8-eqo",
                            "--batch", "0"}, d.path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.errors(), (std::vector<std::string>{
                            "error: command line: at --batch: expected an integer in [1, 65536], found 0",
                            "error: command line: at --normalization: expected one of keep, fixup, none, found \"fixed\"",
                            "error: command line: at --scheme: expected a preset: fp32-bn, fp32-fixup, int8-eoq, int8-eoq-paper, int8-wageubn, "
                            "int8-dfp, found \"int8-eqo\" (did you mean 'int8-eoq'?)"}));
  const auto no_out = run_qtsim({"import", fixture("separable.onnx")}, d.path);
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_EQ(no_out.errors(), std::vector<std::string>{"error: command line: at --out: expected the workload file to write, found nothing"});
  const auto folder = run_qtsim({"import", fixture("separable.onnx"), "--out", d.str()}, d.path);
  EXPECT_EQ(folder.exit_code, 2);
  EXPECT_EQ(folder.errors().size(), 1u) << folder.err;
}

TEST(ImportCli, TheVerbIsListed) {
  TempDir d;
  const auto help = run_qtsim({"--help"}, d.path);
  EXPECT_NE(help.out.find("import MODEL.onnx --out WORKLOAD.json"), std::string::npos) << help.out;
  const auto verb_help = run_qtsim({"import", "--help"}, d.path);
  EXPECT_EQ(verb_help.exit_code, 0);
  EXPECT_NE(verb_help.out.find("--normalization"), std::string::npos) << verb_help.out;
}

}  // namespace
}  // namespace qtsim::import::test
