#pragma once
// Helpers for the input tests: a scratch directory, writing files byte for
// byte, catching an InputError's message, and validating inline JSON.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/input/diagnostic.hpp"
#include "tests/common/scratch_files.hpp"
#include "sim/input/json_file.hpp"
#include "sim/input/schema_validator.hpp"

namespace qtsim::input::testing {

using qtsim::test::read_file;
using qtsim::test::TempDir;
using qtsim::test::write_file;

// tests/input in the source tree (corpus/, schemas/).
inline const std::string kTestSourceDir = QTSIM_INPUT_TEST_DIR;

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
