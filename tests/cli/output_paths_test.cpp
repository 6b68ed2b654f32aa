// Output paths are checked before any work (exit 2 naming the
// option), the trace is written under exactly the given name, and an output
// folder holds one run's files: locked while a run writes it, an earlier run's
// files removed, the set committed whole (on a write error nothing of it stays).
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "tool_process.hpp"

namespace qtsim::cli_test {
namespace {

std::string workload(const char* name) { return (source_dir() / "workloads" / (std::string(name) + ".json")).string(); }
std::string hardware(const char* name) { return (source_dir() / "workloads/hw" / (std::string(name) + ".json")).string(); }

// A short simulate of the Fashion-MNIST CNN in timing mode, into `out`.
std::vector<std::string> timing_run(const std::string& out, const char* steps = "1") {
  return {"simulate", workload("fmnist-cnn"), "--hw", hardware("int8-fixup-8x8"), "--mode", "timing", "--steps", steps,
          "--no-progress", "--out", out};
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

void expect_no_temporaries(const fs::path& root) {
  for (const auto& e : fs::recursive_directory_iterator(root))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "left behind: " << e.path();
}

TEST(OutputPaths, AnOutThatIsAFileIsRefusedBeforeAnyWork) {
  TempDir dir;
  write_file(dir / "afile", "x");
  // Thirty ResNet-50 steps take tens of seconds: the refusal must come first.
  ToolProcess run({"simulate", workload("resnet50-imagenet-bn"), "--hw", hardware("fp32-bn-32x32"), "--mode", "timing",
                   "--steps", "30", "--no-progress", "--out", "afile"},
                  dir.path);
  const ProcessEnd end = run.wait(60);
  EXPECT_EQ(end.exit_code, 2) << run.stderr_text();
  EXPECT_LT(end.seconds, 5.0) << "checked only after the run";
  EXPECT_NE(run.stderr_text().find("error: command line: at --out: expected a folder (created if missing), found \"afile\", an existing file"),
            std::string::npos)
      << run.stderr_text();
}

TEST(OutputPaths, ADumpFolderUnderAFileIsRefusedNamingDump) {
  TempDir dir;
  write_file(dir / "afile", "x");
  const RunResult r = run_qtsim({"train", workload("fmnist-cnn"), "--steps", "1", "--no-eval", "--no-progress", "--out", "out",
                                 "--dump", "afile/dump"},
                                dir.path);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("at --dump: expected a folder (created if missing), found \"afile/dump\": \"afile\" is an existing file, not a folder"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "out")) << "a refused run writes nothing";
}

TEST(OutputPaths, TheTraceIsWrittenUnderExactlyTheGivenName) {
  TempDir dir;
  const RunResult r = run_qtsim(with(timing_run("out"), {"--trace", "busy.VCD"}), dir.path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir / "busy.VCD"));
  EXPECT_FALSE(fs::exists(dir / "busy.VCD.vcd")) << "SystemC's writer appends .vcd";
  const std::string vcd = read_file(dir / "busy.VCD");
  EXPECT_NE(vcd.find("$enddefinitions"), std::string::npos);
  EXPECT_NE(vcd.find("mac_array_busy"), std::string::npos);
  expect_no_temporaries(dir.path);
}

TEST(OutputPaths, ATraceNamedNeitherVcdNorJsonIsRefusedBeforeAnyWork) {
  TempDir dir;
  const RunResult r = run_qtsim(with(timing_run("out"), {"--trace", "busy.trace"}), dir.path);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("at --trace: expected a file name ending in .vcd (signals for GTKWave) or .json (a timeline in "
                       "the Chrome trace-event format, for Perfetto UI and chrome://tracing), found \"busy.trace\""),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
  EXPECT_FALSE(fs::exists(dir / "busy.trace"));
}

// The trace inside --out is committed with the run's files; a later run into
// the folder keeps it (it is the user's file), and stats.json names it.
TEST(OutputPaths, ATraceInsideOutIsCommittedWithTheSetAndKeptByLaterRuns) {
  TempDir dir;
  const RunResult first = run_qtsim(with(timing_run("out"), {"--trace", "out/trace.json"}), dir.path);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string trace = read_file(dir / "out" / "trace.json");
  EXPECT_NE(trace.find("\"traceEvents\""), std::string::npos);
  EXPECT_EQ(json::parse(read_file(dir / "out" / "stats.json"))["trace"],
            json({{"file", "out/trace.json"}, {"format", "chrome-trace-event"}}));
  const RunResult again = run_qtsim(timing_run("out"), dir.path);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_file(dir / "out" / "trace.json"), trace);
  EXPECT_FALSE(json::parse(read_file(dir / "out" / "stats.json")).contains("trace"));
  // With a VCD in the same folder, both traces stay.
  ASSERT_EQ(run_qtsim(with(timing_run("out"), {"--trace", "out/trace.vcd"}), dir.path).exit_code, 0);
  EXPECT_EQ(files_under(dir / "out"), (std::vector<std::string>{"layers.csv", "mappings.csv", "ops.csv", "phases.csv",
                                                                "stats.json", "steps.csv", "trace.json", "trace.vcd"}));
  expect_no_temporaries(dir.path);
}

TEST(OutputPaths, ATraceUnderTheNameOfARunFileInOutIsRefused) {
  TempDir dir;
  for (const char* name : {"out/stats.json", "out/./report.json", "out/baseline/stats.json"}) {
    fs::create_directories(dir / "out" / "baseline");
    const RunResult r = run_qtsim(with(timing_run("out"), {"--trace", name}), dir.path);
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    EXPECT_NE(r.err.find(std::string("at --trace: expected a name other than those of the files qtsim writes into --out, found \"") +
                         name + "\", which a run writes into --out \"out\""),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(dir / "out" / "stats.json")) << name;
  }
}

TEST(OutputPaths, ATraceThatCannotBeWrittenIsRefusedNamingTrace) {
  TempDir dir;
  write_file(dir / "afile", "x");
  fs::create_directory(dir / "afolder");
  const RunResult under_file = run_qtsim(with(timing_run("out"), {"--trace", "afile/x.vcd"}), dir.path);
  EXPECT_EQ(under_file.exit_code, 2) << under_file.err;
  EXPECT_NE(under_file.err.find("at --trace: expected a file in an existing folder, found \"afile/x.vcd\": \"afile\" is an existing file, not a folder"),
            std::string::npos)
      << under_file.err;
  EXPECT_EQ(under_file.err.find("E701"), std::string::npos) << "SystemC's internals reached the user";
  const RunResult onto_folder = run_qtsim(with(timing_run("out"), {"--trace", "afolder"}), dir.path);
  EXPECT_EQ(onto_folder.exit_code, 2) << onto_folder.err;
  EXPECT_NE(onto_folder.err.find("at --trace: expected a file name (a new file, or a file to replace), found \"afolder\", a folder"),
            std::string::npos)
      << onto_folder.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
  expect_no_temporaries(dir.path);
}

// Whether some process holds a flock on `path` (/proc/locks: "N: FLOCK ADVISORY
// WRITE PID MAJ:MIN:INODE 0 EOF").
bool holds_flock(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  std::ifstream locks("/proc/locks");
  std::string line;
  while (std::getline(locks, line)) {
    std::istringstream fields(line);
    std::string index, kind, mode, access, pid, device;
    if (!(fields >> index >> kind >> mode >> access >> pid >> device) || kind != "FLOCK") continue;
    const auto colon = device.rfind(':');
    if (colon != std::string::npos && device.substr(colon + 1) == std::to_string(st.st_ino)) return true;
  }
  return false;
}

TEST(OutputPaths, ASecondRunIntoAFolderInUseIsRefused) {
  TempDir dir;
  ToolProcess first({"simulate", workload("resnet50-imagenet-bn"), "--hw", hardware("fp32-bn-32x32"), "--mode", "timing",
                     "--steps", "1000", "--no-progress", "--out", "out"},
                    dir.path);
  // The run creates the folder, then locks it (flock on the folder), before the
  // first step: wait until /proc/locks shows that lock, however loaded the
  // machine is (taking the lock here to probe it could refuse the first run).
  bool locked = false;
  for (int i = 0; i < 600 && !locked; ++i) {
    locked = fs::exists(dir / "out") && holds_flock(dir / "out");
    if (!locked) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(locked) << "the first run should hold the lock on out/: " << first.stderr_text();
  const RunResult second = run_qtsim(timing_run("out"), dir.path);
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_NE(second.err.find("at --out: expected a folder no other qtsim run is writing, found \"out\", locked by a qtsim run in progress"),
            std::string::npos)
      << second.err;
  const ProcessEnd end = first.interrupt(SIGINT, 10);
  EXPECT_EQ(end.exit_code, 128 + SIGINT) << first.stderr_text();
  if (fs::exists(dir / "out" / "stats.json")) {
    EXPECT_EQ(json::parse(read_file(dir / "out" / "stats.json"))["workload"]["name"], "resnet50-imagenet-bn");
  }
}

TEST(OutputPaths, ANewRunRemovesTheFilesAnEarlierRunLeft) {
  TempDir dir;
  ASSERT_EQ(run_qtsim(timing_run("out"), dir.path).exit_code, 0);
  ASSERT_EQ(run_qtsim({"report", "out"}, dir.path).exit_code, 0);
  ASSERT_TRUE(fs::exists(dir / "out" / "report.json"));
  write_file(dir / "out" / "notes.txt", "mine");
  const RunResult again = run_qtsim(timing_run("out", "2"), dir.path);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(files_under(dir / "out"),
            (std::vector<std::string>{"layers.csv", "mappings.csv", "notes.txt", "ops.csv", "phases.csv", "stats.json", "steps.csv"}))
      << "the report of the earlier run's statistics must go";
}

// A file-size limit stands in for a full disk: writes past it fail.
TEST(OutputPaths, AWriteErrorLeavesNothingOfTheNewSet) {
  TempDir dir;
  ASSERT_EQ(run_qtsim(timing_run("out"), dir.path).exit_code, 0);
  std::map<std::string, std::string> before;
  for (const std::string& n : files_under(dir / "out")) before[n] = read_file(dir / "out" / n);
  // Three steps: every CSV fits under the limit and is written, stats.json (written last) does not fit.
  const rlim_t limit = static_cast<rlim_t>(3 * before["ops.csv"].size() + 4096);
  ASSERT_LT(limit, before["stats.json"].size()) << "the test needs the CSVs to be smaller than stats.json";
  ToolProcess run(timing_run("out", "3"), dir.path, limit);
  const ProcessEnd end = run.wait(60);
  EXPECT_EQ(end.exit_code, 1) << run.stderr_text();
  EXPECT_NE(run.stderr_text().find("File too large"), std::string::npos) << run.stderr_text();
  std::map<std::string, std::string> after;
  for (const std::string& n : files_under(dir / "out")) after[n] = read_file(dir / "out" / n);
  EXPECT_TRUE(after == before) << "the earlier run's files must stay as they were, with nothing of the new set beside them";
}

TEST(OutputPaths, ATraceThatCannotBeWrittenWholeFailsTheRun) {
  TempDir dir;
  ToolProcess run(with(timing_run("out"), {"--trace", "t.vcd"}), dir.path, 64 * 1024);
  const ProcessEnd end = run.wait(60);
  EXPECT_EQ(end.exit_code, 1) << run.stderr_text();
  EXPECT_NE(run.stderr_text().find("error: cannot write the trace t.vcd: File too large"), std::string::npos) << run.stderr_text();
  EXPECT_FALSE(fs::exists(dir / "t.vcd")) << "a truncated trace was renamed into place";
  EXPECT_FALSE(fs::exists(dir / "out"));
  expect_no_temporaries(dir.path);
}

}  // namespace
}  // namespace qtsim::cli_test
