// A sweep stopped midway -- killed outright, or by Ctrl-C -- leaves only
// complete point results; running it again runs only the points without one,
// and the collected sweep is the same as an uninterrupted run's.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "sweep_test_files.hpp"
#include "tests/cli/cli_test_util.hpp"

namespace qtsim::cli_test {
namespace {

using qtsim::test::tiny_sweep;
using qtsim::test::write_sweep;

// Starts qtsim with `args` in `cwd`, stdout and stderr to files there.
pid_t start_qtsim(const std::vector<std::string>& args, const fs::path& cwd) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  if (::chdir(cwd.c_str()) != 0) ::_exit(127);
  if (!std::freopen("run.stdout", "w", stdout) || !std::freopen("run.stderr", "w", stderr)) ::_exit(127);
  const std::string tool = qtsim_binary().string();
  std::vector<char*> argv{const_cast<char*>(tool.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(tool.c_str(), argv.data());
  ::_exit(127);
}

std::map<std::string, std::string> results(const fs::path& dir) {
  std::map<std::string, std::string> r;
  if (fs::exists(dir / "points"))
    for (const auto& e : fs::directory_iterator(dir / "points"))
      if (e.path().extension() == ".json") r[e.path().stem().string()] = read_file(e.path());
  return r;
}

// Waits until `dir` holds at least `n` point results (the run is then midway).
void wait_for_results(const fs::path& dir, std::size_t n) {
  for (int i = 0; i < 12000 && results(dir).size() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_GE(results(dir).size(), n) << "the sweep produced no results within a minute";
}

// Reaps every child and grandchild of this process (a subreaper): returns when none is left.
void reap_all() {
  int status = 0;
  while (::waitpid(-1, &status, 0) > 0) {
  }
}

bool has_temporaries(const fs::path& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.find(".tmp.") != std::string::npos || e.path().extension() == ".stderr") return true;
  }
  return false;
}

std::string expected_resume_line(std::size_t done) {
  return std::to_string(12 - done) + " to run, " + std::to_string(done) + " finished earlier";
}

TEST(SweepResume, AKilledSweepRunsOnlyItsMissingPointsAgain) {
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);  // the killed sweep's points become ours to wait for
  TempDir d;
  write_sweep(d, tiny_sweep());
  const pid_t pid = start_qtsim({"sweep", "sweep.json", "--out", "out", "--jobs", "1", "--no-progress"}, d.path);
  ASSERT_GT(pid, 0);
  wait_for_results(d / "out", 3);
  ::kill(pid, SIGKILL);
  reap_all();  // the point running when the sweep died stops too (SIGTERM on its parent's death)
  const std::map<std::string, std::string> before = results(d / "out");
  ASSERT_LT(before.size(), 12u) << "the sweep finished before it could be killed";
  for (const auto& [id, text] : before) EXPECT_EQ(json::parse(text)["status"], "ok") << id;

  const RunResult again = run_qtsim({"sweep", "sweep.json", "--out", "out", "--jobs", "2", "--no-progress"}, d.path);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find(expected_resume_line(before.size())), std::string::npos) << again.out;
  const std::map<std::string, std::string> after = results(d / "out");
  EXPECT_EQ(after.size(), 12u);
  for (const auto& [id, text] : before) EXPECT_EQ(after.at(id), text) << "finished point " << id << " ran again";
  EXPECT_FALSE(has_temporaries(d / "out"));

  // The same sweep uninterrupted collects to the same bytes.
  ASSERT_EQ(run_qtsim({"sweep", "sweep.json", "--out", "fresh", "--no-progress"}, d.path).exit_code, 0);
  ASSERT_EQ(run_qtsim({"sweep", "collect", "out"}, d.path).exit_code, 0);
  ASSERT_EQ(run_qtsim({"sweep", "collect", "fresh"}, d.path).exit_code, 0);
  EXPECT_TRUE(read_file(d / "out" / "sweep.csv") == read_file(d / "fresh" / "sweep.csv"));
  EXPECT_TRUE(read_file(d / "out" / "sweep.json") == read_file(d / "fresh" / "sweep.json"));
}

// ResNet-18 points (about a second each): Ctrl-C arrives while both run.
TEST(SweepResume, CtrlCStopsTheSweepAndItsPointsPromptly) {
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  TempDir d;
  json s = tiny_sweep();
  s["workloads"] = {source_dir().string() + "/workloads/resnet18-imagenet-bn.json"};
  s["axes"][0]["values"] = {16, 32};
  s["axes"][1]["values"] = {"os"};
  write_sweep(d, s);
  const pid_t pid = start_qtsim({"sweep", "sweep.json", "--out", "out", "--jobs", "2", "--no-progress"}, d.path);
  ASSERT_GT(pid, 0);
  // Both points have started once their stderr files exist.
  for (int i = 0; i < 12000; ++i) {
    std::size_t started = 0;
    if (fs::exists(d / "out" / "points"))
      for (const auto& e : fs::directory_iterator(d / "out" / "points")) started += e.path().extension() == ".stderr";
    if (started >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // into the simulation
  const auto sent = std::chrono::steady_clock::now();
  ::kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGINT);
  EXPECT_LT(seconds, 10.0) << "a signal must stop the sweep promptly";
  EXPECT_EQ(::waitpid(-1, &status, WNOHANG), -1) << "a point's process outlived the sweep";
  EXPECT_NE(read_file(d / "run.stderr").find("the same command runs only those"), std::string::npos) << read_file(d / "run.stderr");
  EXPECT_FALSE(has_temporaries(d / "out"));
  const std::size_t done = results(d / "out").size();
  for (const auto& [id, text] : results(d / "out")) EXPECT_EQ(json::parse(text)["status"], "ok") << id;

  const RunResult again = run_qtsim({"sweep", "sweep.json", "--out", "out", "--jobs", "2", "--no-progress"}, d.path);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find(std::to_string(4 - done) + " to run, " + std::to_string(done) + " finished earlier"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(results(d / "out").size(), 4u);
}

}  // namespace
}  // namespace qtsim::cli_test
