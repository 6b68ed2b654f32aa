#include "vcd_trace.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <systemc>
#include <sysc/tracing/sc_tracing_ids.h>

#include "sim/util/atomic_file.hpp"

namespace qtsim::hwsim {

namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& p, int error) {
  throw std::runtime_error(what + " " + p.string() + ": " + std::strerror(error));
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

VcdTrace::VcdTrace(std::filesystem::path target) : output_(std::move(target)) {
  // SystemC opens NAME.vcd: the pipe gets that name.
  const std::string base = util::temporary_name(output_.target()).string() + ".pipe";
  pipe_ = base + ".vcd";
  if (::mkfifo(pipe_.c_str(), 0600) != 0) fail("cannot create", pipe_, errno);
  // The read end opens without waiting for a writer; a second write end,
  // kept open until finish(), means the reader sees the end of the data only
  // then, however SystemC opens and closes its own.
  read_fd_ = ::open(pipe_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  keep_open_fd_ = read_fd_ < 0 ? -1 : ::open(pipe_.c_str(), O_WRONLY | O_CLOEXEC);
  if (read_fd_ < 0 || keep_open_fd_ < 0) {
    const int error = errno;
    stop();
    fail("cannot create", pipe_, error);
  }
  ::fcntl(read_fd_, F_SETFL, ::fcntl(read_fd_, F_GETFL) & ~O_NONBLOCK);
  // The signals are for the simulation's loop, not for this thread.
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  thread_ = std::thread([this] { relay(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  trace_ = sc_core::sc_create_vcd_trace_file(base.c_str());
  // SystemC announces the time unit on stdout, naming the pipe.
  sc_core::sc_report_handler::set_actions(sc_core::SC_ID_TRACING_TIMESCALE_UNIT_, sc_core::SC_DO_NOTHING);
}

void VcdTrace::relay() {
  // After a failed write keep draining, so SystemC never blocks on the pipe.
  std::vector<char> buffer(1 << 16);
  for (;;) {
    const ssize_t got = ::read(read_fd_, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    output_.write({buffer.data(), static_cast<std::size_t>(got)});
  }
}

void VcdTrace::stop() {
  close_fd(keep_open_fd_);
  if (thread_.joinable()) thread_.join();
  close_fd(read_fd_);
  ::unlink(pipe_.c_str());
}

util::StagedFile VcdTrace::finish() {
  if (trace_) sc_core::sc_close_vcd_trace_file(trace_);
  trace_ = nullptr;
  stop();
  return output_.finish("trace");
}

VcdTrace::~VcdTrace() {
  // Not finished: the simulation failed. Closing SystemC's end lets the copy end.
  if (trace_) sc_core::sc_close_vcd_trace_file(trace_);
  stop();
}

}  // namespace qtsim::hwsim
