#include "process_pool.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "sim/util/interrupt.hpp"

namespace qtsim::sweep {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);

ChildExit exit_of(pid_t pid, int status) {
  ChildExit e;
  e.pid = pid;
  if (WIFEXITED(status)) e.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
  return e;
}

// In the forked child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(const std::vector<char*>& argv, const char* stderr_file, pid_t parent) {
  // Its own process group: a Ctrl-C at the terminal reaches only the sweep,
  // which passes it on once (a second signal would kill a point mid-write).
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(128 + SIGTERM);  // the parent died before prctl
  const int null = ::open("/dev/null", O_RDWR);
  const int err = ::open(stderr_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
  }
  if (err >= 0) ::dup2(err, STDERR_FILENO);
  ::execv("/proc/self/exe", argv.data());
  const char msg[] = "qtsim sweep: cannot start /proc/self/exe\n";
  (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
  ::_exit(127);
}

}  // namespace

ProcessPool::~ProcessPool() {
  if (!running_.empty()) stop_all(SIGTERM, std::chrono::seconds(5));
}

pid_t ProcessPool::start(const std::vector<std::string>& args, const std::filesystem::path& stderr_file) {
  std::vector<std::string> storage{"qtsim"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string err = stderr_file.string();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("cannot start a point's process: ") + std::strerror(errno));
  if (pid == 0) exec_child(argv, err.c_str(), parent);
  running_.insert(pid);
  return pid;
}

std::optional<ChildExit> ProcessPool::wait_any(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0 && running_.erase(pid)) return exit_of(pid, status);
    if (pid > 0) continue;  // not one of ours
    if (running_.empty() || util::interrupted() || std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
}

void ProcessPool::stop_all(int signal, std::chrono::milliseconds grace) {
  for (pid_t pid : running_) ::kill(pid, signal);
  const auto until = std::chrono::steady_clock::now() + grace;
  while (!running_.empty() && std::chrono::steady_clock::now() < until) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      running_.erase(pid);
    } else {
      std::this_thread::sleep_for(kPollInterval);
    }
  }
  for (pid_t pid : running_) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  running_.clear();
}

}  // namespace qtsim::sweep
