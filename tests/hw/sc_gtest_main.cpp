// GoogleTest under SystemC: libsystemc's main() calls sc_main, which runs the
// tests. CTest runs each test in its own process (SystemC cannot elaborate
// again after a simulation), see tests/CMakeLists.txt.
#include <gtest/gtest.h>

#include <systemc>

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
