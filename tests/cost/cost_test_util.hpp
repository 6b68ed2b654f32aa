#pragma once
// Shared helpers of the cost-model tests.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "models/cost/tech_table.hpp"
#include "sim/input/diagnostic.hpp"

namespace qtsim::cost::testing {

inline const std::string kProjectDir = QTSIM_PROJECT_DIR;
inline const std::string kTestDir = QTSIM_COST_TEST_DIR;
inline const std::string kTechDir = kProjectDir + "/workloads/tech";

inline std::string tech_file(const std::string& node) { return kTechDir + "/" + node + ".json"; }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A fresh folder under the system temp dir, removed at destruction.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("qtsim_cost_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The message of the InputError `f` throws ("" if it throws none).
template <typename F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const input::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace qtsim::cost::testing
