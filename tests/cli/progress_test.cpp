// Progress lines appear only on a terminal: qtsim runs here with stderr on a
// pseudo-terminal. `simulate` shows kernels done out of the run's total within
// a step, the step and the kernel; `train` counts the steps of the whole run
// across epochs. With --no-progress, or stderr in a file, nothing is drawn.
#include <pty.h>

#include <regex>

#include "tool_process.hpp"

namespace qtsim::cli_test {
namespace {

struct TerminalRun {
  int exit_code = -1;
  std::string terminal;  // everything written to the terminal (stderr)
  std::string out;       // stdout, to a file
};

TerminalRun run_on_terminal(const std::vector<std::string>& args, const fs::path& cwd) {
  ToolArgv command(args);
  const fs::path out = cwd / ".terminal.stdout";
  int master = -1, slave = -1;
  winsize size{};
  size.ws_row = 40;
  size.ws_col = 300;  // wide enough for the whole line
  if (::openpty(&master, &slave, nullptr, nullptr, &size) != 0) throw std::runtime_error("openpty failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(master);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(slave, 2);
    ::execv(command.tool(), command.argv.data());
    ::_exit(127);
  }
  ::close(slave);
  TerminalRun r;
  char buffer[4096];
  for (;;) {  // until the child closes the terminal (EIO)
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    r.terminal.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  return r;
}

// The terminal's output holds a line matching `pattern`.
bool shows(const std::string& terminal, const char* pattern) { return std::regex_search(terminal, std::regex(pattern)); }

std::vector<std::string> simulate_two_steps(const std::string& out) {
  return {"simulate", (source_dir() / "workloads/fmnist-cnn.json").string(), "--hw",
          (source_dir() / "workloads/hw/int8-fixup-8x8.json").string(), "--mode", "timing", "--steps", "2", "--out", out};
}

TEST(Progress, SimulateCountsKernelsAcrossTheRunOnATerminal) {
  TempDir dir;
  const TerminalRun r = run_on_terminal(simulate_two_steps("out"), dir.path);
  ASSERT_EQ(r.exit_code, 0) << r.terminal;
  // The CNN's step is 62 kernels: two steps are 124, and the last is always drawn.
  EXPECT_TRUE(shows(r.terminal, R"(simulate 124/124 kernels  [0-9.]+/s  ETA 0:00  step 2/2  \S)")) << r.terminal;
  EXPECT_TRUE(shows(r.terminal, R"(simulate 1/124 kernels  [0-9.]+/s  ETA [0-9:?]+  step 1/2  \S)")) << r.terminal;
  EXPECT_TRUE(r.terminal.ends_with("\r\033[K")) << "the line is erased at the end: " << r.terminal;
  EXPECT_EQ(r.out.find("kernels"), std::string::npos) << "progress never goes to stdout: " << r.out;
}

TEST(Progress, NoProgressKeepsTheTerminalQuiet) {
  TempDir dir;
  std::vector<std::string> args = simulate_two_steps("out");
  args.push_back("--no-progress");
  const TerminalRun r = run_on_terminal(args, dir.path);
  ASSERT_EQ(r.exit_code, 0) << r.terminal;
  EXPECT_EQ(r.terminal.find("kernels"), std::string::npos) << r.terminal;
}

TEST(Progress, NothingIsDrawnIntoAFile) {
  TempDir dir;
  const RunResult r = run_qtsim(simulate_two_steps("out"), dir.path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST(Progress, TrainShowsTheStepsOfTheWholeRun) {
  TempDir dir;
  // 256 images in batches of 128: two steps per epoch, three epochs.
  const fs::path w = write_workload(dir, "small", small_fashion_mnist(shipped_workload("fmnist-cnn"), 256, 128));
  const TerminalRun r = run_on_terminal({"train", w.string(), "--no-eval"}, dir.path);
  ASSERT_EQ(r.exit_code, 0) << r.terminal;
  EXPECT_TRUE(shows(r.terminal, R"(train 6/6 steps  [0-9.]+/s  ETA 0:00  epoch 3/3  loss)")) << r.terminal;
  // The first step is always drawn: counted against the whole run, not its epoch.
  EXPECT_TRUE(shows(r.terminal, R"(train 1/6 steps  [0-9.]+/s  ETA [0-9:?]+  epoch 1/3  loss)")) << r.terminal;
  EXPECT_NE(r.out.find("epoch   3"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace qtsim::cli_test
