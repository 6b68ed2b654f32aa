#pragma once
// qtsim as a child process the test can signal: started in a directory with
// stdout and stderr to files there, optionally under a file-size limit (a
// stand-in for a full disk: writes past it fail with EFBIG), then interrupted
// or waited for with a deadline. A child still running at the end is killed.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>

#include "cli_test_util.hpp"

namespace qtsim::cli_test {

struct ProcessEnd {
  int exit_code = -1;       // -1: killed by a signal or still running at the deadline
  double seconds = 0.0;     // from the signal (or the wait) to the exit
  bool timed_out = false;
};

// The tool's command line for execv: its path, then `args`.
struct ToolArgv {
  explicit ToolArgv(const std::vector<std::string>& args) : text{qtsim_binary().string()} {
    text.insert(text.end(), args.begin(), args.end());
    for (std::string& a : text) argv.push_back(a.data());
    argv.push_back(nullptr);
  }
  const char* tool() const { return text.front().c_str(); }
  std::vector<std::string> text;
  std::vector<char*> argv;  // into `text`, null-terminated
};

class ToolProcess {
 public:
  ToolProcess(const std::vector<std::string>& args, const fs::path& cwd, std::optional<rlim_t> file_size_limit = std::nullopt)
      : out_(cwd / ".tool.stdout"), err_(cwd / ".tool.stderr") {
    ToolArgv command(args);
    pid_ = ::fork();
    if (pid_ != 0) return;
    // The child: only async-signal-safe calls until exec.
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    const int o = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    if (file_size_limit) {
      ::signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails instead of killing the process
      const rlimit lim{*file_size_limit, *file_size_limit};
      ::setrlimit(RLIMIT_FSIZE, &lim);
    }
    ::execv(command.tool(), command.argv.data());
    ::_exit(127);
  }
  ~ToolProcess() {
    if (running_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ToolProcess(const ToolProcess&) = delete;
  ToolProcess& operator=(const ToolProcess&) = delete;

  // Sends `signal` and waits at most `deadline_seconds` for the exit.
  ProcessEnd interrupt(int signal, double deadline_seconds) {
    ::kill(pid_, signal);
    return wait(deadline_seconds);
  }

  ProcessEnd wait(double deadline_seconds) {
    const auto start = std::chrono::steady_clock::now();
    ProcessEnd end;
    for (;;) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        running_ = false;
        end.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        break;
      }
      if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > deadline_seconds) {
        end.timed_out = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    end.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return end;
  }

  // Waits until `text` appears on the child's stdout (true) or it exits or the deadline passes (false).
  bool wait_for_output(const std::string& text, double deadline_seconds) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < deadline_seconds) {
      if (stdout_text().find(text) != std::string::npos) return true;
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::string stdout_text() const { return read_file(out_); }
  std::string stderr_text() const { return read_file(err_); }

 private:
  fs::path out_, err_;
  pid_t pid_ = -1;
  bool running_ = true;
};

}  // namespace qtsim::cli_test
