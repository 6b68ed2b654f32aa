#pragma once
// Ctrl-C and SIGTERM stop a long run promptly and cleanly: the signal only sets
// a flag; loops check it between steps (and the accelerator between kernels),
// stop, keep every completed output, mark what they write as partial, and the
// command exits with 128 + the signal number. Outputs are written atomically,
// so an interrupted run never leaves half a file.
#include <csignal>

namespace qtsim::util {

// Installs the handlers (idempotent).
void install_interrupt_handlers();
// True once SIGINT or SIGTERM has arrived.
bool interrupted();
// The signal that arrived (0 if none).
int interrupt_signal();

// Thrown by a loop that stopped because of a signal.
struct Interrupted {
  int signal = SIGINT;
};

}  // namespace qtsim::util
