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
#include "sim/costinput/stats_kernels.hpp"
#include "sim/costinput/table_variation.hpp"
#include "sim/costinput/tech_table_loader.hpp"
#include "sim/input/diagnostic.hpp"
#include "tests/common/scratch_files.hpp"

namespace qtsim::cost::testing {

using qtsim::test::read_file;
using qtsim::test::TempDir;
using qtsim::test::write_file;

inline const std::string kProjectDir = QTSIM_PROJECT_DIR;
inline const std::string kTestDir = QTSIM_COST_TEST_DIR;
inline const std::string kTechDir = kProjectDir + "/workloads/tech";

inline std::string tech_file(const std::string& node) { return kTechDir + "/" + node + ".json"; }

// The message of the InputError `f` throws ("" if it throws none); a figure
// the cost model misses reads as the command line prints it.
template <typename F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const input::InputError& e) {
    return e.what();
  } catch (const MissingFigure& m) {
    return to_diagnostic(m).str();
  }
  return "";
}

}  // namespace qtsim::cost::testing
