#pragma once
// The sweep's child processes, one per point: this program started again by
// fork + exec with the point's command line, stdin and stdout on /dev/null,
// stderr to a file (read when a child dies without writing its result), in a
// process group of its own (signals reach it from the sweep only, once). A
// child is sent SIGTERM when its parent dies (PR_SET_PDEATHSIG), so a killed
// sweep leaves no orphans running. Waiting polls, so that a signal to the sweep is noticed
// within a few milliseconds whatever the children are doing.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace qtsim::sweep {

struct ChildExit {
  pid_t pid = 0;
  int exit_code = -1;  // -1 when a signal ended it
  int signal = 0;      // the signal that ended it, 0 when it exited
};

class ProcessPool {
 public:
  ProcessPool() = default;
  ProcessPool(const ProcessPool&) = delete;
  ProcessPool& operator=(const ProcessPool&) = delete;
  ~ProcessPool();  // stops whatever still runs (SIGTERM, then SIGKILL)

  // Starts /proc/self/exe with `args` (argv[1...]); throws std::runtime_error when it cannot fork.
  pid_t start(const std::vector<std::string>& args, const std::filesystem::path& stderr_file);
  // A child that ended, or nothing when none did within `timeout` or a signal
  // arrived (util::interrupted()).
  std::optional<ChildExit> wait_any(std::chrono::milliseconds timeout);
  std::size_t running() const { return running_.size(); }
  // Sends `signal` to every child, gives them `grace` to end, kills the rest; reaps all.
  void stop_all(int signal, std::chrono::milliseconds grace);

 private:
  std::set<pid_t> running_;
};

}  // namespace qtsim::sweep
