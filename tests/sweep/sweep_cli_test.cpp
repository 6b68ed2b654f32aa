// `qtsim sweep` end to end: --list and shards, bad sweep files refused before
// any point runs, a failing point recorded while the rest complete, and two
// shards run by GNU parallel collecting to the bytes of a one-process run.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "sweep_test_files.hpp"
#include "tests/cli/cli_test_util.hpp"

namespace qtsim::cli_test {
namespace {

using qtsim::test::tiny_sweep;
using qtsim::test::write_sweep;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::set<std::string> result_ids(const fs::path& dir) {
  std::set<std::string> ids;
  for (const auto& e : fs::directory_iterator(dir / "points"))
    if (e.path().extension() == ".json") ids.insert(e.path().stem().string());
  return ids;
}

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

TEST(SweepCli, ListPrintsEveryPointAndShardsPartitionIt) {
  TempDir d;
  write_sweep(d, tiny_sweep());
  const RunResult all = run_qtsim({"sweep", "sweep.json", "--list"}, d.path);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const std::vector<std::string> lines = lines_of(all.out);
  ASSERT_EQ(lines.size(), 12u);
  EXPECT_EQ(lines[0].substr(12), "\tworkload=tiny-resnet variant=fp32-bn array=4 dataflow=os");
  EXPECT_EQ(lines[11].substr(12), "\tworkload=tiny-resnet variant=int8-eoq array=16 dataflow=ws");
  std::multiset<std::string> shards;
  for (const char* s : {"1/3", "2/3", "3/3"}) {
    const RunResult r = run_qtsim({"sweep", "sweep.json", "--list", "--shard", s}, d.path);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const std::string& l : lines_of(r.out)) shards.insert(l);
  }
  EXPECT_EQ(shards, std::multiset<std::string>(lines.begin(), lines.end()));
  EXPECT_EQ(files_under(d.path), std::vector<std::string>{"sweep.json"}) << "--list without --out writes nothing";
}

struct BadSweep {
  std::string name;
  std::function<void(json&)> change;
  std::string pointer;  // where the first error points in the sweep file
  std::string says;     // part of its message
};

TEST(SweepCli, BadSweepFilesAreRefusedBeforeAnyPointRuns) {
  const std::vector<BadSweep> cases{
      {"unknown axis path", [](json& s) { s["axes"][0]["paths"][1] = "/mac_array/colls"; }, "/axes/0/paths/1",
       "no field \"colls\" in /mac_array (did you mean /mac_array/cols?)"},
      {"path into a leaf", [](json& s) { s["axes"][1]["paths"][0] = "/mac_array/dataflow/x"; }, "/axes/1/paths/0",
       "holds a value"},
      {"value the hardware schema refuses", [](json& s) { s["axes"][0]["values"][1] = 0; }, "/axes/0/values/1",
       "expected an integer in [1, 1024], found 0"},
      {"misspelled enum value", [](json& s) { s["axes"][1]["values"][1] = "wss"; }, "/axes/1/values/1",
       "did you mean 'ws'?"},
      {"value the workload schema refuses",
       [](json& s) {
         s["axes"].push_back({{"name", "batch"}, {"target", "workload"}, {"paths", {"/training/batch_size"}}, {"values", {2, -4}}});
       },
       "/axes/2/values/1", "found -4"},
      {"empty value list", [](json& s) { s["axes"][0]["values"] = json::array(); }, "/axes/0/values", "an empty array"},
      {"empty range", [](json& s) { s["axes"][0].erase("values"), s["axes"][0]["range"] = {{"from", 16}, {"to", 4}, {"times", 2}}; },
       "/axes/0/range/to", "the range would be empty"},
      {"constraint no point satisfies", [](json& s) { s["constraints"] = {{{"metric", "area_mm2"}, {"max", 0.01}}}; },
       "/constraints/0", "none of the 12 points: area_mm2 ranges from"},
      {"constraint with min above max", [](json& s) { s["constraints"] = {{{"metric", "pes"}, {"min", 64}, {"max", 16}}}; },
       "/constraints/0/max", "no point could satisfy it"},
      {"constraints that together leave nothing",
       [](json& s) { s["constraints"] = {{{"metric", "pes"}, {"max", 16}}, {{"metric", "pes"}, {"min", 256}}}; }, "/constraints",
       "every one of the 12 points violates one of them"},
      {"axis named like a built-in parameter", [](json& s) { s["axes"][1]["name"] = "variant"; }, "/axes/1/name",
       "a built-in parameter"},
      {"unknown technology", [](json& s) { s["axes"].push_back({{"name", "node"}, {"paths", {"/technology"}}, {"values", {"45nm", "5nm"}}}); },
       "/axes/2/values/1", "a technology with a table"},
      {"misspelled field", [](json& s) { s["axis"] = s["axes"]; s.erase("axes"); }, "/axis", "did you mean"},
      {"missing workload file", [](json& s) { s["workloads"][0] = "no-such-workload.json"; }, "/workloads/0", "no such file"},
  };
  for (const BadSweep& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir d;
    json doc = tiny_sweep();
    c.change(doc);
    write_sweep(d, doc);
    const RunResult r = run_qtsim({"sweep", "sweep.json", "--out", "out", "--no-progress"}, d.path);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    const std::vector<std::string> errors = r.errors();
    ASSERT_FALSE(errors.empty()) << r.err;
    EXPECT_TRUE(contains(errors[0], "error: sweep.json: at " + c.pointer + ": ")) << errors[0];
    EXPECT_TRUE(contains(r.err, c.says)) << r.err;
    EXPECT_FALSE(fs::exists(d / "out")) << "nothing may be written for a bad sweep file";
  }
}

// ResNet-20 with batchnorm on an 8x8 FP32 array, its vector buffer 1 KiB (too
// small for a row of the stem's batchnorm: fails when the point runs) or 256 KiB.
json failing_sweep() {
  json s;
  s["name"] = "failing";
  s["description"] = "one point of two cannot run";
  s["workloads"] = {source_dir().string() + "/workloads/resnet20-cifar-bn.json"};
  s["hardware"] = source_dir().string() + "/workloads/hw/fp32-bn-8x8.json";
  s["axes"] = {{{"name", "vector_kib"}, {"paths", {"/sram/vector/capacity_kib"}}, {"values", {1, 256}}}};
  return s;
}

TEST(SweepCli, AFailingPointIsRecordedAndTheOthersComplete) {
  TempDir d;
  write_sweep(d, failing_sweep());
  const RunResult r = run_qtsim({"sweep", "sweep.json", "--out", "out", "--jobs", "2", "--no-progress"}, d.path);
  EXPECT_EQ(r.exit_code, 1) << "a failed point fails the sweep: " << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "done: 1 ok, 1 failed")) << r.out;
  EXPECT_TRUE(contains(r.out, "(workload=resnet20-cifar-bn vector_kib=1): the vector buffer (512 bytes per slot) is too small"))
      << r.out;
  ASSERT_EQ(result_ids(d / "out").size(), 2u);

  const RunResult again = run_qtsim({"sweep", "sweep.json", "--out", "out", "--no-progress"}, d.path);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(contains(again.out, "0 to run, 2 finished earlier")) << again.out;
  EXPECT_TRUE(contains(again.out, "earlier: 1 ok, 1 failed")) << again.out;
  const RunResult retry = run_qtsim({"sweep", "sweep.json", "--out", "out", "--retry-failed", "--no-progress"}, d.path);
  EXPECT_TRUE(contains(retry.out, "1 to run, 1 finished earlier")) << retry.out;

  const RunResult c = run_qtsim({"sweep", "collect", "out"}, d.path);
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(contains(c.out, "2 planned points: 1 ok, 1 failed")) << c.out;
  const json j = json::parse(read_file(d / "out" / "sweep.json"));
  int failed = 0;
  for (const json& p : j["points"])
    if (p["status"] == "failed") {
      ++failed;
      EXPECT_EQ(p["parameters"]["vector_kib"], 1);
      EXPECT_TRUE(contains(p["detail"], "too small for bn-normalize of stem.bn")) << p["detail"];
    }
  EXPECT_EQ(failed, 1);
  EXPECT_TRUE(contains(read_file(d / "out" / "sweep.html"), "Failed points"));
}

TEST(SweepCli, TwoShardsThroughGnuParallelCollectToTheBytesOfOneProcess) {
  ASSERT_EQ(std::system("command -v parallel >/dev/null"), 0)
      << "GNU parallel is missing: install the Debian package parallel (scripts/install-deps.sh does)";
  TempDir d;
  write_sweep(d, tiny_sweep());
  const RunResult whole = run_qtsim({"sweep", "sweep.json", "--out", "whole", "--jobs", "1", "--no-progress"}, d.path);
  ASSERT_EQ(whole.exit_code, 0) << whole.out << whole.err;
  ASSERT_EQ(run_qtsim({"sweep", "collect", "whole"}, d.path).exit_code, 0);

  const std::string command = "cd " + quoted(d.str()) + " && parallel --will-cite --halt now,fail=1 " +
                              quoted(qtsim_binary().string()) +
                              " sweep sweep.json --out shard{} --shard {}/2 --jobs 1 --no-progress ::: 1 2 >parallel.log 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << read_file(d / "parallel.log");
  const std::set<std::string> one = result_ids(d / "shard1"), two = result_ids(d / "shard2");
  EXPECT_EQ(one.size(), 6u);
  EXPECT_EQ(two.size(), 6u);
  std::set<std::string> both = one;
  both.insert(two.begin(), two.end());
  EXPECT_EQ(both, result_ids(d / "whole")) << "the shards are disjoint and cover the sweep";

  const RunResult merged = run_qtsim({"sweep", "collect", "shard1", "shard2", "--out", "merged"}, d.path);
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  for (const char* f : {"sweep.csv", "sweep.json", "sweep.html"}) {
    const std::string a = read_file(d / "whole" / f), b = read_file(d / "merged" / f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_TRUE(a == b) << f << " differs between the one-process run and the merged shards";
  }

  // One shard alone is a partial sweep: collected, with the other half missing.
  const RunResult partial = run_qtsim({"sweep", "collect", "shard1"}, d.path);
  ASSERT_EQ(partial.exit_code, 0) << partial.err;
  EXPECT_TRUE(contains(partial.out, "12 planned points: 6 ok, 0 failed, 0 skipped by constraints, 6 missing")) << partial.out;
  EXPECT_TRUE(contains(read_file(d / "shard1" / "sweep.html"), "6 of the 12 planned points have no result yet"));

  // Folders of another version of the sweep are not mixed in.
  json changed = tiny_sweep();
  changed["axes"][0]["values"].push_back(32);
  write_sweep(d, changed, "changed.json");
  ASSERT_EQ(run_qtsim({"sweep", "changed.json", "--out", "other", "--list"}, d.path).exit_code, 0);
  const RunResult mixed = run_qtsim({"sweep", "collect", "shard1", "other", "--out", "mixed"}, d.path);
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_TRUE(contains(mixed.err, "a folder of the same sweep as shard1")) << mixed.err;
  EXPECT_FALSE(fs::exists(d / "mixed"));
}

// A point's figures are the cost model's for its step: the same as `qtsim
// report` gives for the stats.json the point keeps with --keep-stats.
TEST(SweepCli, PointFiguresEqualTheReportOfTheirStats) {
  TempDir d;
  json s = tiny_sweep();
  s["axes"][0]["values"] = {8};
  s["axes"][1]["values"] = {"ws"};
  write_sweep(d, s);
  const RunResult r = run_qtsim({"sweep", "sweep.json", "--out", "out", "--keep-stats", "--no-progress"}, d.path);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  int checked = 0;
  for (const auto& e : fs::directory_iterator(d / "out" / "points")) {
    if (e.path().extension() != ".json") continue;
    const json point = json::parse(read_file(e.path()));
    const fs::path kept = d / "out" / "points" / e.path().stem();
    const RunResult report = run_qtsim({"report", kept.string()}, d.path);
    ASSERT_EQ(report.exit_code, 0) << report.err;
    const json summary = json::parse(read_file(kept / "report.json"))["summary"];
    const json& f = point["figures"];
    EXPECT_EQ(f["cycles"], summary["cycles"]);
    EXPECT_DOUBLE_EQ(f["latency_s"].get<double>(), summary["latency_s"].get<double>());
    EXPECT_DOUBLE_EQ(f["energy_j"].get<double>(), summary["energy_pj"].get<double>() * 1e-12);
    EXPECT_DOUBLE_EQ(f["area_mm2"].get<double>(), summary["area_mm2"].get<double>());
    EXPECT_DOUBLE_EQ(f["power_w"].get<double>(), summary["average_power_mw"].get<double>() * 1e-3);
    EXPECT_DOUBLE_EQ(f["utilization"].get<double>(), summary["array_utilization"].get<double>());
    EXPECT_DOUBLE_EQ(f["tops_per_w"].get<double>(), 2.0 * f["macs"].get<double>() / f["energy_j"].get<double>() / 1e12);
    ++checked;
  }
  EXPECT_EQ(checked, 2);  // FP32-BN and int8-EOQ
}

// The shipped scheduler scripts: scripts/sweep-parallel.sh one point per GNU
// parallel job, and scripts/sweep-slurm.sh as the tasks of a job array (the
// environment Slurm gives them, tasks numbered from 5) writing into one folder.
TEST(SweepCli, ShippedSchedulerScriptsCollectToTheBytesOfOneProcess) {
  ASSERT_EQ(std::system("command -v parallel >/dev/null"), 0) << "GNU parallel is missing: install the Debian package parallel";
  TempDir d;
  write_sweep(d, tiny_sweep());
  ASSERT_EQ(run_qtsim({"sweep", "sweep.json", "--out", "whole", "--no-progress"}, d.path).exit_code, 0);
  ASSERT_EQ(run_qtsim({"sweep", "collect", "whole"}, d.path).exit_code, 0);
  const std::string scripts = quoted((source_dir() / "scripts").string()), env = "QTSIM=" + quoted(qtsim_binary().string());
  const std::string per_point = "cd " + quoted(d.str()) + " && " + env + " " + scripts +
                                "/sweep-parallel.sh sweep.json by-point points --jobs 2 >log 2>&1";
  ASSERT_EQ(std::system(per_point.c_str()), 0) << read_file(d / "log");
  for (int task = 5; task <= 7; ++task) {
    const std::string array_task = "cd " + quoted(d.str()) + " && " + env + " SLURM_ARRAY_TASK_ID=" + std::to_string(task) +
                                   " SLURM_ARRAY_TASK_MIN=5 SLURM_ARRAY_TASK_COUNT=3 SLURM_CPUS_PER_TASK=2 " + scripts +
                                   "/sweep-slurm.sh sweep.json array >log 2>&1";
    ASSERT_EQ(std::system(array_task.c_str()), 0) << read_file(d / "log");
    EXPECT_TRUE(contains(read_file(d / "log"), "shard " + std::to_string(task - 4) + "/3: 4 points")) << read_file(d / "log");
  }
  const std::string collect_job = "cd " + quoted(d.str()) + " && " + env + " QTSIM_SWEEP_COLLECT=1 " + scripts +
                                  "/sweep-slurm.sh sweep.json array >log 2>&1";
  ASSERT_EQ(std::system(collect_job.c_str()), 0) << read_file(d / "log");
  for (const char* f : {"sweep.csv", "sweep.json", "sweep.html"}) {
    EXPECT_TRUE(read_file(d / "whole" / f) == read_file(d / "by-point" / f)) << f;
    EXPECT_TRUE(read_file(d / "whole" / f) == read_file(d / "array" / f)) << f;
  }
}

}  // namespace
}  // namespace qtsim::cli_test
