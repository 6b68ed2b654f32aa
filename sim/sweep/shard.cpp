#include "shard.hpp"

#include <cstdio>

#include "sim/input/diagnostic.hpp"

namespace qtsim::sweep {

Shard parse_shard(const std::string& text) {
  Shard s;
  char slash = 0, extra = 0;
  const int fields = std::sscanf(text.c_str(), "%d%c%d%c", &s.index, &slash, &s.count, &extra);
  if (fields != 3 || slash != '/' || s.count < 1 || s.count > 1000000 || s.index < 1 || s.index > s.count)
    throw input::InputError(input::Diagnostic{
        "command line", "--shard", "I/N with 1 <= I <= N, e.g. 2/8 (slices are numbered from 1)", "\"" + text + "\"",
        fields >= 1 && s.index == 0 ? "with Slurm, --array=1-N, or $((SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1))" : ""});
  return s;
}

}  // namespace qtsim::sweep
