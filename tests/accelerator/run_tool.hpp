#pragma once
// Runs the built qtsim tool as a user would, capturing exit code, stdout and stderr.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include "tests/common/scratch_files.hpp"

namespace qtsim::test {

struct ToolRun {
  int exit_code = -1;
  std::string out, err;
};

inline std::string source_dir() { return QTSIM_TEST_SOURCE_DIR; }
inline std::string binary_dir() { return QTSIM_TEST_BINARY_DIR; }

// `args` are appended to "qtsim"; run from the source directory (workload paths are relative to it).
inline ToolRun run_qtsim(const std::string& args) {
  TempDir tmp;
  const std::string cmd = "cd '" + source_dir() + "' && '" + binary_dir() + "/qtsim' " + args + " >'" +
                          (tmp.path / "out").string() + "' 2>'" + (tmp.path / "err").string() + "'";
  const int status = std::system(cmd.c_str());
  ToolRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(tmp.path / "out");
  r.err = read_file(tmp.path / "err");
  return r;
}

}  // namespace qtsim::test
