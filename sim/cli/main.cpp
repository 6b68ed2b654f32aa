// qtsim: cycle-approximate simulator and cost model for int8 training
// accelerators. Dispatches the verb; turns every input problem into a clear
// message and exit code 2.
#include <malloc.h>
#include <stdlib.h>

#include <csignal>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include <systemc>

#include "command.hpp"
#include "sim/util/interrupt.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/input/did_you_mean.hpp"

namespace {

const char* kUsage =
    "usage: qtsim VERB [arguments] [--help]\n"
    "verbs:\n"
    "  train WORKLOAD      train with the bit-exact reference (loss, accuracy, checkpoint, dumps)\n"
    "  simulate WORKLOAD --hw HW --out DIR\n"
    "                      run training steps on the simulated accelerator (cycles, stalls, action counts)\n"
    "  validate WORKLOAD --hw HW --steps N\n"
    "                      compare every tensor the hardware computes with the reference's\n"
    "  report DIR          energy, area, latency and power of a simulate run: report.json, CSV, report.md, report.html\n"
    "  compare WORKLOAD    FP32-BN vs int8-EOQ (Fixup) side by side, iso-area and int8 schemes: compare.json/.md/.html\n"
    "  sweep SWEEP.json --out DIR\n"
    "                      run a design-space sweep, one process per point; `sweep collect DIR` merges it (Pareto fronts)\n"
    "  check WORKLOAD      check a workload file and print its expanded network\n"
    "  import MODEL.onnx --out WORKLOAD.json\n"
    "                      turn an ONNX model (e.g. exported from PyTorch) into a workload\n"
    "  scheme [NAME]       list the scheme presets, or print one as JSON\n";

// The verb's exit code (an unknown verb is bad input).
int run_verb(const std::string& verb, const qtsim::cli::Args& args) {
  using namespace qtsim;
  if (verb == "train") return cli::run_train(args);
  if (verb == "check") return cli::run_check(args);
  if (verb == "simulate") return cli::run_simulate(args);
  if (verb == "validate") return cli::run_validate(args);
  if (verb == "scheme") return cli::run_scheme(args);
  if (verb == "report") return cli::run_report(args);
  if (verb == "compare") return cli::run_compare(args);
  if (verb == "import") return cli::run_import(args);
  if (verb == "sweep") return cli::run_sweep(args);
  const std::string guess = input::did_you_mean(
      verb, {"train", "simulate", "validate", "report", "compare", "sweep", "check", "import", "scheme"});
  std::cerr << "error: unknown verb '" << verb << "'" << (guess.empty() ? "" : " (did you mean '" + guess + "'?)") << "\n" << kUsage;
  return input::kExitBadInput;
}

}  // namespace

// Entered through SystemC's sc_elab_and_sim (see main below).
extern "C" int sc_main(int argc, char** argv) {
  using namespace qtsim;
  // Tensors of tens of MB are allocated and freed every layer of every step. By
  // default glibc maps each one afresh (and the kernel zeroes every page again);
  // keeping freed memory in the heap removes that cost.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  util::install_interrupt_handlers();
  // A file-size limit (ulimit -f) then fails the write with EFBIG, reported
  // like a full disk, instead of killing the process half-way through a set.
  std::signal(SIGXFSZ, SIG_IGN);
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::cout << kUsage;
    return argc < 2 ? input::kExitBadInput : 0;
  }
  const std::string verb = argv[1];
  const cli::Args args(argv + 2, argv + argc);
  try {
    const int code = run_verb(verb, args);
    // A signal that arrived after the last check still ends the process as a
    // signal would: the outputs are complete either way.
    return util::interrupted() ? 128 + util::interrupt_signal() : code;
  } catch (const util::Interrupted& i) {
    std::cerr << "interrupted: nothing written\n";
    return 128 + i.signal;
  } catch (const input::InputError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << "error: " << d.str() << "\n";
    return input::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

// SystemC's own main() would print its banner on stdout before anything can
// stop it; this one silences the banner, then enters SystemC as usual.
int main(int argc, char** argv) {
  ::setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
