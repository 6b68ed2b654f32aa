#include "hw_session.hpp"

#include <bit>
#include <memory>
#include <stdexcept>

#include <systemc>

#include "models/hw/accelerator.hpp"
#include "models/hw/host/tensor_io.hpp"
#include "models/ref/model.hpp"
#include "sim/hwsim/step_feed.hpp"
#include "sim/lower/param_store.hpp"
#include "sim/lower/step_lowering.hpp"
#include "sim/util/progress.hpp"

namespace qtsim::hwsim {

namespace {

// The step's tensors as the reference's types, for comparison and dumps.
void read_back(hw::Accelerator& acc, const lower::RecordedTensor& r, ref::TensorSink& sink) {
  const hw::HwTensor& t = r.tensor;
  if (t.is_float()) {
    ref::FTensor f(r.shape);
    f.data = hw::read_floats(acc.dram(), t.data);
    sink.record({r.name, nullptr, &f, nullptr});
    return;
  }
  ref::QTensor q(r.shape, static_cast<int>(acc.regs()[t.exp_reg]), t.bits);
  const auto v = hw::read_ints(acc.dram(), t.data);
  for (std::size_t i = 0; i < v.size(); ++i) q.q[i] = static_cast<std::int32_t>(v[i]);
  if (t.flagged) {
    const auto f = hw::read_ints(acc.dram(), t.flags);
    q.flag.assign(f.begin(), f.end());
    q.flag_shift = t.flag_shift;
  }
  sink.record({r.name, &q, nullptr, nullptr});
}

struct Plan {
  std::unique_ptr<ref::Model> model;
  hw::DramAllocator alloc;
  hw::ScalarRegs regs;
  std::unique_ptr<lower::ParamStore> store;
  std::size_t persistent_regs = 0;
  std::uint64_t dram_bytes = 0;
};

Plan plan(const workload::Workload& w, const hw::HwConfig& config) {
  Plan p;
  p.model = std::make_unique<ref::Model>(w.network, w.scheme, w.training.seed);
  p.store = std::make_unique<lower::ParamStore>(*p.model, p.alloc, p.regs);
  p.persistent_regs = p.regs.v.size();
  lower::StepInputs in;
  in.model = p.model.get();
  in.params = p.store.get();
  in.config = &config;
  in.batch = w.training.batch_size;
  in.seed = w.training.seed;
  hw::ScalarRegs scratch = p.regs;
  const lower::StepProgram program = lower::lower_step(in, p.alloc, scratch);
  p.dram_bytes = program.dram_end;
  return p;
}

}  // namespace

std::uint64_t dram_bytes_needed(const workload::Workload& w, const hw::HwConfig& config) { return plan(w, config).dram_bytes; }

void run_on_hardware(const workload::Workload& w, const hw::HwConfig& config, const SessionOptions& options,
                     const data::DatasetPair* data, RunStats& stats, ref::TensorSink* sink, const StepDone& done) {
  const bool exact = options.mode == hw::ExecMode::exact;
  if (exact && !data) throw std::logic_error("exact mode needs the workload's data");
  Plan p = plan(w, config);
  hw::Accelerator acc("accelerator", config, options.mode, p.dram_bytes);
  acc.regs() = p.regs;
  std::unique_ptr<StepFeed> feed = data ? std::make_unique<StepFeed>(w, *data) : nullptr;
  sc_core::sc_trace_file* tf = nullptr;
  if (!options.vcd_path.empty()) {
    std::string base = options.vcd_path;
    if (base.size() > 4 && base.substr(base.size() - 4) == ".vcd") base.resize(base.size() - 4);
    tf = sc_core::sc_create_vcd_trace_file(base.c_str());
    tf->set_time_unit(1, sc_core::SC_NS);
    acc.trace(tf);
  }
  std::exception_ptr failure;
  acc.on_start([&](hw::Accelerator& a) {
    try {
      if (exact) p.store->load(*p.model, a.dram(), a.regs(), 0);
      util::Progress progress("simulate", options.steps, options.progress);
      for (std::int64_t s = 0; s < options.steps; ++s) {
        a.regs().v.resize(p.persistent_regs);
        a.events() = {};
        lower::StepInputs in;
        in.model = p.model.get();
        in.params = p.store.get();
        in.config = &config;
        in.step = static_cast<std::uint32_t>(s);
        in.seed = w.training.seed;
        in.batch = w.training.batch_size;
        if (feed) in.hyper = feed->hyper(s);
        in.hyper.step = static_cast<std::uint32_t>(s);
        const lower::StepProgram program = lower::lower_step(in, p.alloc, a.regs());
        if (exact) {
          const data::Batch b = feed->batch(s);
          hw::write_floats(a.dram(), program.images.data, b.images.data);
          hw::write_ints(a.dram(), program.labels.data, {b.labels.begin(), b.labels.end()});
        }
        const std::uint64_t start = a.now_cycles();
        a.execute(program.kernels, [&](const hw::Kernel&, const hw::KernelStats& k) { stats.add(s, k); });
        StepOutcome o;
        o.step = s;
        o.cycles = a.now_cycles() - start;
        o.events = a.events();
        if (exact) {
          o.loss = std::bit_cast<double>(a.regs()[program.loss_reg]);
          o.correct = a.regs()[program.correct_reg];
          if (sink)
            for (const lower::RecordedTensor& r : program.records) read_back(a, r, *sink);
        }
        progress.update(s + 1);
        if (done && !done(o)) break;
      }
      progress.finish();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  sc_core::sc_start();
  if (tf) sc_core::sc_close_vcd_trace_file(tf);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace qtsim::hwsim
