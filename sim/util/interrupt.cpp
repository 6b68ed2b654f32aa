#include "interrupt.hpp"

namespace qtsim::util {

namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int sig) { g_signal = sig; }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  // SA_RESTART: the loops notice the flag without help, while library code
  // that does not retry an interrupted system call (stdio, SystemC's trace
  // writer on a pipe) would lose data. SA_RESETHAND: a second signal kills.
  sa.sa_flags = SA_RESTART | SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool interrupted() { return g_signal != 0; }
int interrupt_signal() { return static_cast<int>(g_signal); }

void throw_if_interrupted() {
  if (interrupted()) throw Interrupted{interrupt_signal()};
}

const char* signal_name(int signal) { return signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "a signal"; }

}  // namespace qtsim::util
