#include "point_job.hpp"

#include <iostream>

#include "point_result.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/json_file.hpp"
#include "sim/util/atomic_file.hpp"
#include "sim/util/interrupt.hpp"
#include "sweep_runner.hpp"

namespace qtsim::sweep {

namespace fs = std::filesystem;

SweepPlan plan_in(const fs::path& out_dir, const SweepSpec& spec, const compare::PresetLocator& presets) {
  std::error_code ec;
  const fs::path file = plan_path(out_dir);
  if (fs::exists(file, ec)) return plan_from_json(input::read_json_file(file.string()), file.string());
  PointResolver resolver(spec, presets);
  SweepPlan plan = make_plan(spec, resolver);
  util::ensure_directory(out_dir);
  util::write_file_atomic(file, plan_to_json(plan).dump(1) + "\n");
  return plan;
}

int run_planned_point(const SweepSpec& spec, const compare::PresetLocator& presets, const std::string& id,
                      const PointRunOptions& options, std::string (*portable)(std::string)) {
  const SweepPlan plan = plan_in(options.out_dir, spec, presets);
  const std::string plan_file = plan_path(options.out_dir).string();
  const PlannedPoint* point = plan.find(id);
  if (!point)
    throw input::InputError(input::Diagnostic{"command line", "--point",
                                              "the id of a point of the plan in " + plan_file + " (`qtsim sweep " +
                                                  spec.file + " --list` prints them)",
                                              "\"" + id + "\"", ""});
  if (!point->skipped.empty())
    throw input::InputError(input::Diagnostic{"command line", "--point", "a point the constraints keep",
                                              "\"" + id + "\", skipped: " + point->skipped, ""});
  PointResolver resolver(spec, presets);
  const PointInputs inputs = resolver.resolve(coordinates_of(spec, *point), point->id);
  if (inputs.digest != point->digest)
    throw input::InputError(input::Diagnostic{
        plan_file, "", "the plan of " + spec.file + " as it is now",
        "the plan of another version of it (point " + id + " now has other inputs)",
        "plan again with `qtsim sweep " + spec.file + " --out " + options.out_dir.string() + "` (or --list --out)"});
  const std::optional<PointResult> r = run_point(*point, inputs, options, portable);
  if (!r) return 128 + util::interrupt_signal();
  write_result(options.out_dir, *r);
  if (!r->ok) std::cerr << "point " << id << " failed: " << r->error << "\n";
  return r->ok ? 0 : 1;
}

}  // namespace qtsim::sweep
