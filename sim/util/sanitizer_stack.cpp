#include "sanitizer_stack.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <pthread.h>
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

#include <cstddef>
#include <cstdint>
#endif

namespace qtsim::util {

#if defined(__SANITIZE_ADDRESS__)
void main_stack_is_current_again() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* lowest = nullptr;
  std::size_t size = 0;
  const bool known = pthread_attr_getstack(&attr, &lowest, &size) == 0;
  pthread_attr_destroy(&attr);
  if (!known || lowest == nullptr) return;
  // A switch onto the stack we are on: ASan takes its bounds as the current ones.
  void* fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&fake_stack, lowest, size);
  const void* previous_bottom = nullptr;
  std::size_t previous_size = 0;
  __sanitizer_finish_switch_fiber(fake_stack, &previous_bottom, &previous_size);
  // The stack grows down: everything from its lowest address to this frame is unused.
  const volatile char here = 0;
  const auto from = reinterpret_cast<std::uintptr_t>(lowest), to = reinterpret_cast<std::uintptr_t>(&here);
  if (to > from) __asan_unpoison_memory_region(lowest, to - from);
}
#else
void main_stack_is_current_again() {}
#endif

}  // namespace qtsim::util
