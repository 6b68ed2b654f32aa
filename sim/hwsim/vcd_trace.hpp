#pragma once
// A VCD trace (--trace FILE.vcd) written under exactly the name given, with
// every write checked. SystemC's writer appends ".vcd" to the name and ignores
// write errors (a full disk would leave a truncated trace), so it writes into a
// pipe and a thread copies the pipe into a StagedWriter ("FILE.tmp.PID"). After
// the simulation, finish() hands the complete file over as a StagedFile, to be
// renamed into place with the run's other outputs.
#include <filesystem>
#include <memory>
#include <thread>

#include "sim/util/staged_file.hpp"
#include "sim/util/staged_writer.hpp"

namespace sc_core {
class sc_trace_file;
}

namespace qtsim::hwsim {

class VcdTrace {
 public:
  // Opens the relay; throws std::runtime_error naming `target` if it cannot.
  explicit VcdTrace(std::filesystem::path target);
  ~VcdTrace();
  VcdTrace(const VcdTrace&) = delete;
  VcdTrace& operator=(const VcdTrace&) = delete;

  sc_core::sc_trace_file* file() const { return trace_; }

  // Closes SystemC's trace and waits for the copy. Throws std::runtime_error
  // naming the file when a write failed (the temporary is removed then).
  util::StagedFile finish();

 private:
  void relay();
  void stop();

  util::StagedWriter output_;
  std::filesystem::path pipe_;
  sc_core::sc_trace_file* trace_ = nullptr;
  int read_fd_ = -1, keep_open_fd_ = -1;
  std::thread thread_;
};

}  // namespace qtsim::hwsim
