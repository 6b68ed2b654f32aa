#pragma once
// Helpers for the end-to-end tests: run build/qtsim with arguments and capture
// its exit code, stdout and stderr; a scratch directory; workloads derived from
// the shipped ones; reading train_log.json and comparing output trees.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/workload/workload_source.hpp"
#include "tests/common/scratch_files.hpp"

namespace qtsim::cli_test {

namespace fs = std::filesystem;
using nlohmann::json;
using qtsim::test::read_file;
using qtsim::test::TempDir;
using qtsim::test::write_file;

inline std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

inline fs::path source_dir() { return env_or("QTSIM_SOURCE_DIR", QTSIM_DEFAULT_SOURCE_DIR); }
inline fs::path qtsim_binary() { return fs::path(env_or("QTSIM_BINARY_DIR", QTSIM_DEFAULT_BINARY_DIR)) / "qtsim"; }

struct RunResult {
  int exit_code = -1;
  std::string out, err;
  // The lines of stderr that start with "error:".
  std::vector<std::string> errors() const {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("error:", 0) == 0) lines.push_back(line);
    return lines;
  }
};

inline std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs qtsim with `args` in directory `cwd`, stdout and stderr to files there.
inline RunResult run_qtsim(const std::vector<std::string>& args, const fs::path& cwd) {
  std::string command = "cd " + quoted(cwd.string()) + " && " + quoted(qtsim_binary().string());
  for (const auto& a : args) command += " " + quoted(a);
  const fs::path out = cwd / ".qtsim.stdout", err = cwd / ".qtsim.stderr";
  command += " >" + quoted(out.string()) + " 2>" + quoted(err.string()) + " </dev/null";
  const int status = std::system(command.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

// A shipped workload (workloads/NAME.json) as JSON, its bases merged in, to
// derive test workloads from (written elsewhere, it needs no base).
inline json shipped_workload(const std::string& name) {
  return workload::read_workload_source((source_dir() / "workloads" / (name + ".json")).string()).expanded;
}

inline fs::path write_workload(const TempDir& dir, const std::string& name, const json& w) {
  const fs::path p = dir / (name + ".json");
  write_file(p, w.dump(2));
  return p;
}

// A few hundred Fashion-MNIST images: the first `train` training and `test` test samples.
inline json small_fashion_mnist(json w, int train, int test) {
  w["dataset"]["train_limit"] = train;
  w["dataset"]["test_limit"] = test;
  return w;
}

// Every regular file under `root`, as paths relative to it, sorted.
inline std::vector<std::string> files_under(const fs::path& root) {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) names.push_back(fs::relative(e.path(), root).string());
  std::sort(names.begin(), names.end());
  return names;
}

// Both trees hold the same files with the same bytes.
inline void expect_identical_trees(const fs::path& a, const fs::path& b) {
  const auto names = files_under(a);
  ASSERT_FALSE(names.empty()) << a;
  ASSERT_EQ(names, files_under(b));
  for (const auto& n : names) EXPECT_TRUE(read_file(a / n) == read_file(b / n)) << n << " differs between " << a << " and " << b;
}

}  // namespace qtsim::cli_test
