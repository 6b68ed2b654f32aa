#pragma once
// What one point runs: its workload document (the variant's changes, then the
// workload axes) and hardware document (the variant's base, then the hardware
// axes), each checked as a file of its kind would be, the technology table of
// its hardware, and a digest of all three. A value the target's checks refuse
// is reported at the axis value in the sweep file that put it there.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "models/cost/tech_table.hpp"
#include "models/hw/core/hw_config.hpp"
#include "point_grid.hpp"
#include "sim/workload/workload.hpp"
#include "sweep_spec.hpp"

namespace qtsim::sweep {

struct PointInputs {
  nlohmann::json hardware_document;  // checked, defaults filled in, named <base>-<id>
  workload::Workload workload;
  hw::HwConfig config;
  const cost::TechTable* table = nullptr;  // owned by the resolver
  std::string digest;                      // 16 hex digits of workload, hardware and table
};

class PointResolver {
 public:
  PointResolver(const SweepSpec& spec, const compare::PresetLocator& presets) : spec_(spec), presets_(presets) {}
  // Throws input::InputError for a point whose documents do not check.
  PointInputs resolve(const GridCoordinates& at, const std::string& id);

 private:
  const workload::Workload& workload_for(const nlohmann::json& document, const std::string& name,
                                         const GridCoordinates& at, const std::string& id);
  const cost::TechTable& table_for(const hw::HwConfig& config, const GridCoordinates& at);

  const SweepSpec& spec_;
  compare::PresetLocator presets_;
  std::map<std::string, workload::Workload> workloads_;  // by document text: axes that leave it alone share it
  struct LoadedTable {
    cost::TechTable table;
    std::string text;  // the resolved table, for digests
  };
  std::map<std::string, LoadedTable> tables_;  // by technology
};

}  // namespace qtsim::sweep
