#include "dump_writer.hpp"

#include <fmt/format.h>

#include "sim/util/atomic_file.hpp"

namespace qtsim::train {

DumpWriter::DumpWriter(util::OutputFolder& folder, nlohmann::ordered_json header) : folder_(folder) {
  folder_.remove_previous_run();
  index_ = {{"format", "qtsim-dump"}, {"version", 1}};
  for (auto& [k, v] : header.items()) index_[k] = v;
  index_["steps"] = nlohmann::ordered_json::array();
}

void DumpWriter::begin_step(std::uint32_t step) {
  step_ = step;
  current_ = TensorFileBuilder{};
}

void DumpWriter::record(const ref::TensorRecord& r) {
  if (r.q) current_.add(r.name, *r.q, r.stats);
  else if (r.f) current_.add(r.name, *r.f);
}

void DumpWriter::end_step() {
  const std::string file = fmt::format("step_{:06}.bin", step_);
  util::write_file_atomic(folder_.path() / file, current_.bytes());
  index_["steps"].push_back({{"step", step_}, {"file", file}, {"tensors", current_.entries()}});
  util::write_file_atomic(folder_.path() / "index.json", index_.dump(1) + "\n");
  current_ = TensorFileBuilder{};
}

void DumpWriter::mark_partial(const std::string& signal) {
  index_["partial"] = {{"interrupted_by", signal}, {"steps_completed", index_["steps"].size()}};
  util::write_file_atomic(folder_.path() / "index.json", index_.dump(1) + "\n");
}

}  // namespace qtsim::train
