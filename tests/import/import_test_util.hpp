#pragma once
// The importer's fixtures and the messages of its errors, for the tests.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/import/onnx_import.hpp"
#include "sim/input/diagnostic.hpp"
#include "tests/cli/cli_test_util.hpp"

namespace qtsim::import::test {

inline std::string fixture(const std::string& name) { return (cli_test::source_dir() / "tests/import/models" / name).string(); }

inline ImportResult import_fixture(const std::string& name, ImportOptions o = {}) {
  return import_onnx(fixture(name), o, "imported.json");
}

// The diagnostics import_onnx throws (none if it does not throw).
inline std::vector<input::Diagnostic> import_errors(const std::string& model_path, const ImportOptions& o) {
  try {
    import_onnx(model_path, o, "imported.json");
  } catch (const input::InputError& e) {
    return e.diagnostics();
  }
  return {};
}

}  // namespace qtsim::import::test
