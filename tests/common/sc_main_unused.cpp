// libsystemc.so refers to sc_main, which the program must define. Suites that
// are not SystemC testbenches still link SystemC through their libraries
// (qtsim_hw); under -fsanitize the linker then insists on a definition. This
// one is weak, so a testbench's own sc_main wins, and is never called: these
// suites run GoogleTest's main and never start the SystemC kernel.
#include <cstdio>
#include <cstdlib>

extern "C" __attribute__((weak)) int sc_main(int, char*[]) {
  std::fputs("sc_main called in a test suite that is not a SystemC testbench\n", stderr);
  std::abort();
}
