// `qtsim check` tells a file's kind (workload, hardware, technology table) and
// describes it; --hw, --baseline, --candidate and --tech take preset names;
// `qtsim --version` names the commit the tool was built from.
#include <regex>

#include "cli_test_util.hpp"

namespace qtsim::cli_test {
namespace {

class CheckAndPresets : public ::testing::Test {
 protected:
  TempDir dir;
  fs::path file(const std::string& name, const json& j) {
    const fs::path p = dir / name;
    write_file(p, j.dump(2));
    return p;
  }
  RunResult run(const std::vector<std::string>& args) { return run_qtsim(args, dir.path); }
  static std::string shipped(const std::string& relative) { return (source_dir() / "workloads" / relative).string(); }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(CheckAndPresets, CheckTellsEachKindAndDescribesIt) {
  const RunResult hw = run({"check", shipped("hw/int8-fixup-8x8.json")});
  ASSERT_EQ(hw.exit_code, 0) << hw.err;
  EXPECT_EQ(hw.out.rfind("int8-fixup-8x8: hardware configuration, technology 45nm, 1000 MHz\n", 0), 0u) << hw.out;
  EXPECT_TRUE(contains(hw.out, "MAC array     8x8 int8, dataflow os")) << hw.out;
  EXPECT_TRUE(contains(hw.out, "with workloads/tech/45nm.json")) << hw.out;
  const RunResult tech = run({"check", shipped("tech/7nm.json")});
  ASSERT_EQ(tech.exit_code, 0) << tech.err;
  EXPECT_EQ(tech.out.rfind("7nm: technology table, 7 nm\n", 0), 0u) << tech.out;
  EXPECT_TRUE(contains(tech.out, "derives from workloads/tech/45nm.json: energy x0.094")) << tech.out;
  EXPECT_TRUE(contains(tech.out, "pJ per bit: DDR3 70, GDDR5 14, HBM2 3.9, LPDDR4 8")) << tech.out;
  const RunResult w = run({"check", shipped("fmnist-cnn.json")});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_EQ(w.out.rfind("fmnist-cnn: 11 nodes", 0), 0u) << w.out;
  // A hardware file that extends another has only a few fields of its own.
  EXPECT_EQ(run({"check", shipped("hw/examples/int8-fixup-16x16-acc16.json")}).exit_code, 0);
  const RunResult quiet = run({"check", shipped("hw/int8-fixup-8x8.json"), "--quiet"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
}

TEST_F(CheckAndPresets, CheckOfAHardwareFileIsNotCheckedAsAWorkload) {
  json hw = json::parse(read_file(shipped("hw/int8-fixup-8x8.json")));
  hw["mac_array"]["rows"] = 0;
  const RunResult r = run({"check", file("bad-hw.json", hw).string()});
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(r.errors().size(), 1u) << r.err;
  EXPECT_TRUE(contains(r.errors().front(), "bad-hw.json: at /mac_array/rows: expected")) << r.err;
  hw = json::parse(read_file(shipped("hw/int8-fixup-8x8.json")));
  hw["technology"] = "3nm";  // no table for it
  const RunResult t = run({"check", file("no-table.json", hw).string()});
  EXPECT_EQ(t.exit_code, 2);
  EXPECT_TRUE(contains(t.err, "3nm.json")) << t.err;
}

TEST_F(CheckAndPresets, AFileOfNoKnownKindSaysWhatEachKindLooksLike) {
  file("x.json", json{{"foo", 1}});
  const RunResult none = run({"check", "x.json"});
  EXPECT_EQ(none.exit_code, 2);
  ASSERT_EQ(none.errors().size(), 1u) << none.err;
  EXPECT_EQ(none.errors().front(),
            "error: x.json: expected a workload (fields such as input, dataset, network), a hardware configuration "
            "(fields such as technology, clock_mhz, mac_array) or a technology table (fields such as node_nm, "
            "area_overhead_fraction, derives_from), found an object with fields foo");
  const RunResult both = run({"check", file("y.json", json{{"mac_array", json::object()}, {"node_nm", 7}}).string()});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_TRUE(contains(both.err, "which fit hardware and tech (say which with --kind)")) << both.err;
  const RunResult array = run({"check", file("z.json", json::array({1})).string()});
  EXPECT_EQ(array.exit_code, 2);
  EXPECT_TRUE(contains(array.err, "expected a JSON object: a workload")) << array.err;
  // --kind decides: the workload is then checked as a technology table.
  const RunResult forced = run({"check", shipped("fmnist-cnn.json"), "--kind", "tech"});
  EXPECT_EQ(forced.exit_code, 2);
  EXPECT_TRUE(contains(forced.err, "found unknown field \"network\"")) << forced.err;
  const RunResult kind = run({"check", shipped("fmnist-cnn.json"), "--kind", "hw"});
  EXPECT_EQ(kind.exit_code, 2);
  EXPECT_TRUE(contains(kind.err, "at --kind: expected one of workload, hardware, tech, found \"hw\"")) << kind.err;
}

// A derived file may hold only what it changes ("extends" is a field of both
// workloads and hardware configurations): the file it extends tells its kind.
TEST_F(CheckAndPresets, ADerivedFileIsOfItsBasesKind) {
  fs::create_directories(dir / "nets");
  write_file(dir / "nets" / "base.json", read_file(shipped("fmnist-cnn.json")));
  file("mid.json", json{{"extends", "nets/base.json"}});
  file("derived.json", json{{"extends", "mid.json"}, {"name", "derived"}});
  const RunResult r = run({"check", "derived.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("derived: 11 nodes", 0), 0u) << r.out;
  file("orphan.json", json{{"extends", "nowhere.json"}, {"name", "orphan"}});
  const RunResult orphan = run({"check", "orphan.json"});
  EXPECT_EQ(orphan.exit_code, 2);
  EXPECT_TRUE(contains(orphan.err, "found an object with fields extends, name and a base whose kind cannot be told "
                                   "either (say which with --kind)")) << orphan.err;
}

TEST_F(CheckAndPresets, HardwareOptionsTakePresetNames) {
  const fs::path out = dir / "sim";
  const RunResult r = run({"simulate", shipped("fmnist-cnn.json"), "--hw", "int8-fixup-8x8", "--mode", "timing",
                           "--out", out.string(), "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(read_file(out / "stats.json"), "int8-fixup-8x8")) << "the preset's hardware ran";
  const fs::path out2 = dir / "sim2";
  const RunResult typo = run({"simulate", shipped("fmnist-cnn.json"), "--hw", "int8-fixup-9x9", "--mode", "timing",
                              "--out", out2.string()});
  EXPECT_EQ(typo.exit_code, 2);
  ASSERT_EQ(typo.errors().size(), 1u) << typo.err;
  EXPECT_TRUE(contains(typo.errors().front(),
                       "command line: at --hw: expected a file ending in .json, or a preset of workloads/hw: fp32-bn-16x16"))
      << typo.err;
  EXPECT_TRUE(contains(typo.errors().front(), "found \"int8-fixup-9x9\" (did you mean 'int8-fixup-8x8'?)")) << typo.err;
  EXPECT_FALSE(fs::exists(out2));
  // compare reports every unknown preset at once, before any work.
  const RunResult cmp = run({"compare", shipped("fmnist-cnn.json"), "--candidate", "int8-fixup-8x8", "--baseline",
                             "fp32bn-8x8", "--tech", "8nm", "--out", (dir / "cmp").string()});
  EXPECT_EQ(cmp.exit_code, 2);
  ASSERT_EQ(cmp.errors().size(), 2u) << cmp.err;
  EXPECT_TRUE(contains(cmp.errors()[0], "at --baseline:") && contains(cmp.errors()[0], "(did you mean 'fp32-bn-8x8'?)"));
  EXPECT_TRUE(contains(cmp.errors()[1], "at --tech: expected a file ending in .json, or a preset of workloads/tech: 16nm"))
      << cmp.errors()[1];
  EXPECT_FALSE(fs::exists(dir / "cmp"));
  // report --tech: a preset name as before, an unknown one refused with the list.
  EXPECT_EQ(run({"report", out.string(), "--tech", "7nm", "--out", (dir / "rep").string()}).exit_code, 0);
  const RunResult rep = run({"report", out.string(), "--tech", "7nn", "--out", (dir / "rep2").string()});
  EXPECT_EQ(rep.exit_code, 2);
  EXPECT_TRUE(contains(rep.err, "found \"7nn\" (did you mean '7nm'?)")) << rep.err;
}

// The commit --version names is one of this repository's (when the sources are a git checkout).
TEST_F(CheckAndPresets, VersionNamesTheBuildsCommit) {
  const RunResult r = run({"--version"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(r.out, m, std::regex(R"(qtsim \d+\.\d+\.\d+ \(commit ([0-9a-f]{12})(-dirty)?\)\n|qtsim \d+\.\d+\.\d+ \(commit unknown\)\n)")))
      << r.out;
  if (!fs::exists(source_dir() / ".git")) GTEST_SKIP() << "sources are no git checkout: " << r.out;
  ASSERT_TRUE(m[1].matched) << "a git checkout, yet the commit is unknown: " << r.out;
  const std::string command = "git -C " + quoted(source_dir().string()) + " cat-file -e " + m[1].str() + "^{commit}";
  EXPECT_EQ(std::system(command.c_str()), 0) << m[1] << " is no commit of " << source_dir();
}

// Built from a tarball (no .git), the commit is "unknown".
TEST_F(CheckAndPresets, VersionOutsideAGitCheckoutIsUnknown) {
  const fs::path sources = dir / "unpacked", output = dir / "build_info.cpp";
  fs::create_directories(sources);
  const std::string command = quoted(QTSIM_CMAKE_COMMAND) + " -DSOURCE_DIR=" + quoted(sources.string()) +
                              " -DOUTPUT=" + quoted(output.string()) + " -DVERSION=1.2.3 -P " +
                              quoted((source_dir() / "sim/cli/build_info.cmake").string());
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string text = read_file(output);
  EXPECT_TRUE(contains(text, "build_version() { return \"1.2.3\"; }")) << text;
  EXPECT_TRUE(contains(text, "build_commit() { return \"unknown\"; }")) << text;
}

}  // namespace
}  // namespace qtsim::cli_test
