#pragma once
// The fuzz targets of the input loaders: bytes -> the
// project's JSON reader or text parser -> the loader. A rejected input is a
// normal outcome: input::InputError is caught. Anything else escapes and is a
// finding: libFuzzer reports an uncaught exception as a crash, and so does the
// corpus replay test (corpus_replay_test.cpp) in every ordinary build.
#include <string_view>

namespace qtsim::fuzz {

void workload(std::string_view bytes);           // workload JSON -> parse_workload
void hw_config(std::string_view bytes);          // hardware JSON -> parse_hw_config
void tech_table(std::string_view bytes);         // technology JSON -> parse_tech_table
void scalesim_cfg(std::string_view bytes);       // SCALE-Sim .cfg -> parse_scalesim_cfg
void scalesim_topology(std::string_view bytes);  // SCALE-Sim .csv -> parse_topology

struct Target {
  const char* name;  // folder under tests/fuzz/corpus and tests/fuzz/regressions
  void (*run)(std::string_view);
};

inline constexpr Target kTargets[] = {
    {"workload", workload},
    {"hw_config", hw_config},
    {"tech_table", tech_table},
    {"scalesim_cfg", scalesim_cfg},
    {"scalesim_topology", scalesim_topology},
};

}  // namespace qtsim::fuzz
