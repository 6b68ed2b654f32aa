// Ctrl-C during a long simulate stops it promptly, keeps the completed steps'
// outputs (complete files, marked partial) and never leaves a half-written or
// temporary file.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "run_tool.hpp"

namespace qtsim::test {
namespace {

TEST(Interrupt, SimulateStopsCleanlyAndMarksOutputsPartial) {
  TempDir d;
  const std::string out = (d.path / "out").string();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::chdir(source_dir().c_str());
    const std::string tool = binary_dir() + "/qtsim";
    ::freopen("/dev/null", "w", stdout);
    ::freopen("/dev/null", "w", stderr);
    ::execl(tool.c_str(), tool.c_str(), "simulate", "workloads/resnet50-imagenet-bn.json", "--hw",
            "workloads/hw/fp32-bn-32x32.json", "--mode", "timing", "--steps", "1000", "--no-progress", "--out", out.c_str(),
            "--trace", (d.path / "trace.vcd").c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::seconds(8));  // a few steps complete (~0.4 s each, more under load)
  const auto sent = std::chrono::steady_clock::now();
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGINT);
  EXPECT_LT(seconds, 10.0) << "a signal must stop the run promptly";
  for (const auto& e : std::filesystem::recursive_directory_iterator(d.path))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "left behind: " << e.path();
  if (std::filesystem::exists(d.path / "out" / "stats.json")) {  // at least one step completed
    const auto j = nlohmann::json::parse(read_file(d.path / "out" / "stats.json"));  // complete JSON
    EXPECT_EQ(j["partial"]["interrupted_by"], "SIGINT");
    const auto completed = j["steps_completed"].get<std::size_t>();
    EXPECT_EQ(j["partial"]["steps_completed"].get<std::size_t>(), completed);
    EXPECT_LT(completed, 1000u);
    const std::string steps = read_file(d.path / "out" / "steps.csv");
    EXPECT_EQ(static_cast<std::size_t>(std::count(steps.begin(), steps.end(), '\n')), completed + 1) << "a header and a row per step";
    for (const char* f : {"ops.csv", "layers.csv", "phases.csv"}) EXPECT_TRUE(std::filesystem::exists(d.path / "out" / f)) << f;
    EXPECT_TRUE(std::filesystem::exists(d.path / "trace.vcd")) << "the trace is committed with the set";
  }
}

}  // namespace
}  // namespace qtsim::test
