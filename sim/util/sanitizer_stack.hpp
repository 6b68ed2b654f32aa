#pragma once
// AddressSanitizer and SystemC's coroutines. Debian's SystemC 2.3.4 runs
// processes on QuickThreads stacks and tells ASan of its switches through the
// weak fiber interface (__sanitizer_start/finish_switch_fiber), but when
// sc_start() returns to sc_main, ASan still takes a coroutine's stack for the
// current one. The next exception thrown on the main stack then finds
// "stack bounds" spanning the heap and the main stack: ASan ignores
// __asan_handle_no_return, leaves stale redzones below the stack pointer, and
// reports a false stack-buffer-overflow in its own sigaltstack interceptor
// (google/sanitizers issue 189).

namespace qtsim::util {

// Call on the main stack right after sc_start() returns: tells ASan the main
// stack is current again and clears the shadow of its unused part below this
// frame (no frame lives there). Does nothing in builds without ASan.
void main_stack_is_current_again();

}  // namespace qtsim::util
