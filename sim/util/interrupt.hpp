#pragma once
// Ctrl-C and SIGTERM stop a long run promptly and cleanly: the signal only sets
// a flag; every verb checks it at least once per step, kernel, row or phase,
// stops, keeps every completed output, marks what it writes as partial (or
// writes nothing), and the command exits with 128 + the signal number. A
// second signal ends the process at once (the default action).
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

// Throws Interrupted when a signal has arrived: for the checks between phases.
void throw_if_interrupted();

// "SIGINT" / "SIGTERM", for the partial marks in output files.
const char* signal_name(int signal);

}  // namespace qtsim::util
