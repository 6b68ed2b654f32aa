#pragma once
// Helpers for the input tests: a scratch directory, writing files byte for
// byte, catching an InputError's message, and validating inline JSON.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/input/diagnostic.hpp"
#include "sim/input/json_file.hpp"
#include "sim/input/schema_validator.hpp"

namespace qtsim::input::testing {

// tests/input in the source tree (corpus/, schemas/).
inline const std::string kTestSourceDir = QTSIM_INPUT_TEST_DIR;

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("qtsim-input-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The message of the InputError `f` throws; a test failure if it throws none.
template <typename F>
std::string input_error_message(F&& f) {
  try {
    f();
  } catch (const InputError& error) {
    EXPECT_EQ(error.diagnostics().size(), 1u) << "file-level failures carry exactly one diagnostic";
    return error.what();
  }
  ADD_FAILURE() << "expected an InputError";
  return {};
}

// What parse_json_text says about `text`, named "t.json".
inline std::string parse_error(std::string_view text) {
  return input_error_message([&] { parse_json_text(text, "t.json"); });
}

// Every problem validate() finds in `instance`, one Diagnostic::str() each.
inline std::vector<std::string> problems(const nlohmann::json& schema, nlohmann::json& instance) {
  DiagnosticList list("t.json");
  validate(schema, instance, list);
  std::vector<std::string> lines;
  for (const Diagnostic& d : list.items()) lines.push_back(d.str());
  return lines;
}

inline std::vector<std::string> problems(std::string_view schema, std::string_view instance) {
  nlohmann::json document = nlohmann::json::parse(instance);
  return problems(nlohmann::json::parse(schema), document);
}

// The single problem in `instance`, or a test failure.
inline std::string problem(std::string_view schema, std::string_view instance) {
  const std::vector<std::string> found = problems(schema, instance);
  EXPECT_EQ(found.size(), 1u) << ::testing::PrintToString(found);
  return found.empty() ? std::string() : found.front();
}

// `instance` after validation (defaults filled); a test failure if it had problems.
inline nlohmann::json validated(std::string_view schema, std::string_view instance) {
  nlohmann::json document = nlohmann::json::parse(instance);
  EXPECT_EQ(problems(nlohmann::json::parse(schema), document), std::vector<std::string>{});
  return document;
}

}  // namespace qtsim::input::testing
