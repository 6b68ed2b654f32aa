#pragma once
// An output file written piece by piece as a run goes (a trace), under a
// temporary name beside its target ("FILE.tmp.PID"), with every write checked.
// finish() hands the complete file over as a StagedFile, renamed into place
// with the run's other outputs; a writer never finished (an error, an
// interrupted run that writes nothing) removes its temporary.
#include <filesystem>
#include <string>
#include <string_view>

#include "sim/util/staged_file.hpp"

namespace qtsim::util {

class StagedWriter {
 public:
  // Creates the temporary; throws std::runtime_error naming it if it cannot.
  explicit StagedWriter(std::filesystem::path target);
  ~StagedWriter();
  StagedWriter(const StagedWriter&) = delete;
  StagedWriter& operator=(const StagedWriter&) = delete;

  const std::filesystem::path& target() const { return target_; }
  // After a failed write the rest is dropped: finish() reports the first error.
  void write(std::string_view data);
  // Closes the file. Throws std::runtime_error "cannot write the `what` TARGET:
  // REASON" when a write failed (the temporary is removed then).
  StagedFile finish(const std::string& what);

 private:
  std::filesystem::path target_, temporary_;
  int fd_ = -1;
  int error_ = 0;  // errno of the first failed write
};

}  // namespace qtsim::util
