#pragma once
// Sweep files for the tests: a small sweep of the tiny test network, written
// into a scratch folder, and the presets of the source tree.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/compare/compare_run.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "tests/common/scratch_files.hpp"

namespace qtsim::test {

inline std::string source_path(const std::string& relative) { return std::string(QTSIM_TEST_SOURCE_DIR) + "/" + relative; }

inline std::string hw_preset(const std::string& name) { return source_path("workloads/hw/" + name + ".json"); }
inline std::string tech_table(const std::string& node) {
  return node.ends_with(".json") ? node : source_path("workloads/tech/" + node + ".json");
}
inline compare::PresetLocator presets() { return {&hw_preset, &tech_table}; }

// tiny-resnet-bn in FP32-BN and int8-EOQ on 4x4, 8x8 and 16x16 arrays, OS and
// WS: 12 points of a few tens of milliseconds each.
inline nlohmann::json tiny_sweep() {
  return nlohmann::json::parse(R"({
    "name": "tiny",
    "description": "the tiny test network over array size and dataflow, FP32-BN and int8-EOQ",
    "workloads": [")" + source_path("tests/accelerator/workloads/tiny-resnet-bn.json") + R"("],
    "variants": ["fp32-bn", "int8-eoq"],
    "axes": [
      {"name": "array", "paths": ["/mac_array/rows", "/mac_array/cols"], "values": [4, 8, 16]},
      {"name": "dataflow", "paths": ["/mac_array/dataflow"], "values": ["os", "ws"]}
    ]
  })");
}

inline std::filesystem::path write_sweep(const TempDir& d, const nlohmann::json& doc, const std::string& name = "sweep.json") {
  const std::filesystem::path p = d / name;
  write_file(p, doc.dump(2));
  return p;
}

inline sweep::SweepPlan plan_of(const TempDir& d, const nlohmann::json& doc) {
  const sweep::SweepSpec spec = sweep::load_sweep(write_sweep(d, doc).string(), presets());
  sweep::PointResolver resolver(spec, presets());
  return sweep::make_plan(spec, resolver);
}

}  // namespace qtsim::test
