#include "hw_session.hpp"

#include <algorithm>
#include <bit>
#include <memory>
#include <stdexcept>

#include <systemc>

#include "models/hw/accelerator.hpp"
#include "models/hw/host/tensor_io.hpp"
#include "models/hw/kernels/gemm/gemm_kernel.hpp"
#include "models/ref/model.hpp"
#include "sim/hwsim/chrome_trace.hpp"
#include "sim/hwsim/run_progress.hpp"
#include "sim/hwsim/step_feed.hpp"
#include "sim/hwsim/vcd_trace.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/lower/param_store.hpp"
#include "sim/lower/step_lowering.hpp"
#include "sim/util/interrupt.hpp"
#include "sim/util/sanitizer_stack.hpp"

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

// SystemC counts simulated time in 1 ps steps in 64 bits (docs/HW_CONFIG.md,
// "Time base"). The loader's bounds keep any one kernel far below 2^63 ps, so
// a run is stopped at the first kernel that ends past that, before any delay
// can wrap the counter and turn into nonsense cycle counts.
void check_time_base(const hw::HwConfig& config, std::int64_t step) {
  constexpr sc_dt::uint64 kHalfTimeBasePs = sc_dt::uint64{1} << 63;
  if (sc_core::sc_time_stamp().value() < kHalfTimeBasePs) return;
  throw input::InputError(input::Diagnostic{
      config.file, "/clock_mhz",
      "a run that fits the simulator's time base (2^64 ps, 213 days of simulated time): a faster clock or memory, "
      "or fewer steps",
      "2^63 ps passed in step " + std::to_string(step), ""});
}

struct Plan {
  std::unique_ptr<ref::Model> model;
  hw::DramAllocator alloc;
  hw::ScalarRegs regs;
  std::unique_ptr<lower::ParamStore> store;
  std::size_t persistent_regs = 0;
  std::uint64_t dram_bytes = 0;
};

// Exact runs need the parameters' initial values; estimates and timing runs
// only their shapes, widths and exponents (and ResNet-50's random draws would
// otherwise be most of a timing run).
Plan plan(const workload::Workload& w, const hw::HwConfig& config, ref::InitialValues values) {
  Plan p;
  p.model = std::make_unique<ref::Model>(w.network, w.scheme, w.training.seed, values);
  p.store = std::make_unique<lower::ParamStore>(*p.model, p.alloc, p.regs);
  p.persistent_regs = p.regs.v.size();
  lower::StepInputs in;
  in.model = p.model.get();
  in.params = p.store.get();
  in.config = &config;
  in.batch = w.training.batch_size;
  in.seed = w.training.seed;
  // The training settings that shape the step's kernels (a momentum buffer, a
  // decay term), so that the buffers are checked for the kernels a run will use.
  in.hyper.lr = w.training.lr.base;
  in.hyper.momentum = w.training.momentum;
  in.hyper.weight_decay = w.training.weight_decay;
  hw::ScalarRegs scratch = p.regs;
  const lower::StepProgram program = lower::lower_step(in, p.alloc, scratch);
  p.dram_bytes = program.dram_end;
  return p;
}

}  // namespace

std::uint64_t dram_bytes_needed(const workload::Workload& w, const hw::HwConfig& config) {
  return plan(w, config, ref::InitialValues::shapes_only).dram_bytes;
}

namespace {

// One job's accelerator and the host program that drives it.
class JobRunner {
 public:
  JobRunner(const HardwareJob& job, int index, RunProgress& progress)
      : job_(job),
        index_(static_cast<std::size_t>(index)),
        progress_(progress),
        plan_(plan(*job.workload, *job.config,
                   job.options.mode == hw::ExecMode::exact ? ref::InitialValues::drawn : ref::InitialValues::shapes_only)) {
    if (job.options.mode == hw::ExecMode::exact && !job.data) throw std::logic_error("exact mode needs the workload's data");
    acc_ = std::make_unique<hw::Accelerator>(index == 0 ? "accelerator" : ("accelerator_" + std::to_string(index)).c_str(),
                                             *job.config, job.options.mode, plan_.dram_bytes);
    acc_->regs() = plan_.regs;
    // Both modes follow the workload's schedule (hyper-parameters reach the update kernels in timing mode too).
    feed_ = job.data ? std::make_unique<StepFeed>(*job.workload, *job.data) : std::make_unique<StepFeed>(*job.workload);
    acc_->on_start([this](hw::Accelerator& a) { host_program(a); });
  }
  hw::Accelerator& accelerator() { return *acc_; }
  // Records the run's timeline into `t` (before the simulation starts).
  void record(ChromeTrace* t) {
    timeline_ = t;
    acc_->record(t);
  }
  std::exception_ptr failure() const { return failure_; }
  int interrupted() const { return interrupted_; }

 private:
  void host_program(hw::Accelerator& a) {
    try {
      const workload::Workload& w = *job_.workload;
      const bool exact = job_.options.mode == hw::ExecMode::exact;
      if (exact) plan_.store->load(*plan_.model, a.dram(), a.regs(), 0);
      for (std::int64_t s = 0; s < job_.options.steps; ++s) {
        // Lowering a step of a large network takes about a second: not after a signal.
        util::throw_if_interrupted();
        a.regs().v.resize(plan_.persistent_regs);
        a.events() = {};
        if (exact && job_.resync && s > 0) plan_.store->load(*job_.resync, a.dram(), a.regs(), static_cast<int>(s & 1));
        lower::StepInputs in;
        in.model = plan_.model.get();
        in.params = plan_.store.get();
        in.config = job_.config;
        in.step = static_cast<std::uint32_t>(s);
        in.seed = w.training.seed;
        in.batch = w.training.batch_size;
        in.hyper = feed_->hyper(s);
        in.hyper.step = static_cast<std::uint32_t>(s);
        const lower::StepProgram program = lower::lower_step(in, plan_.alloc, a.regs());
        progress_.step_lowered(index_, s, job_.options.steps, program.kernels.size());
        if (exact) {
          const data::Batch b = feed_->batch(s);
          hw::write_floats(a.dram(), program.images.data, b.images.data);
          hw::write_ints(a.dram(), program.labels.data, {b.labels.begin(), b.labels.end()});
        }
        const std::uint64_t start = a.now_cycles();
        const sc_core::sc_time started = sc_core::sc_time_stamp();
        if (timeline_) timeline_->begin_step(s);
        std::vector<hw::KernelStats> step_stats;
        std::vector<MappingRecord> step_mappings;
        const bool complete = a.execute(
            program.kernels,
            [&](const hw::Kernel& k, const hw::KernelStats& ks) {
              step_stats.push_back(ks);
              progress_.kernel_done(index_, ks.label);
              check_time_base(*job_.config, s);
              // The mappings are the same every step (the mapper is deterministic): recorded once.
              if (const auto* g = dynamic_cast<const hw::GemmKernel*>(&k); g && s == 0)
                step_mappings.push_back({ks.label.layer, ks.label.phase, g->geometry().dims(), g->geometry().groups(), g->mapped(), g->traffic(),
                                         ks.busy_cycles - g->output_stage_cycles(), g->output_stage_cycles(), ks.cycles,
                                         g->output_note().empty() ? "to DRAM" : g->output_note()});
            },
            [] { return util::interrupted(); });
        // An interrupted step is dropped whole: statistics hold completed steps only.
        if (!complete) throw util::Interrupted{util::interrupt_signal()};
        StepOutcome o;
        o.step = s;
        o.cycles = a.now_cycles() - start;
        if (timeline_) timeline_->step(s, started, sc_core::sc_time_stamp(), o.cycles);
        if (job_.stats) {
          job_.stats->add_step(s, step_stats, o.cycles);
          for (const MappingRecord& m : step_mappings) job_.stats->add_mapping(m);
        }
        o.events = a.events();
        if (exact) {
          o.loss = std::bit_cast<double>(a.regs()[program.loss_reg]);
          o.correct = a.regs()[program.correct_reg];
          if (job_.sink)
            for (const lower::RecordedTensor& r : program.records) read_back(a, r, *job_.sink);
        }
        progress_.clear();  // `done` may print
        if (job_.done && !job_.done(o)) break;
      }
      progress_.clear();
    } catch (const util::Interrupted& i) {
      interrupted_ = i.signal;
    } catch (...) {
      failure_ = std::current_exception();
    }
  }

  const HardwareJob& job_;
  std::size_t index_;
  RunProgress& progress_;
  Plan plan_;
  std::unique_ptr<hw::Accelerator> acc_;
  std::unique_ptr<StepFeed> feed_;
  ChromeTrace* timeline_ = nullptr;
  std::exception_ptr failure_;
  int interrupted_ = 0;
};

}  // namespace

RunEnd run_jobs(const std::vector<HardwareJob>& jobs) {
  RunProgress progress(jobs.size(), std::any_of(jobs.begin(), jobs.end(), [](const HardwareJob& j) { return j.options.progress; }));
  std::vector<std::unique_ptr<JobRunner>> runners;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    util::throw_if_interrupted();  // each runner lowers a whole step first
    runners.push_back(std::make_unique<JobRunner>(jobs[i], static_cast<int>(i), progress));
  }
  // Traces are written under a temporary name and handed to the caller when complete.
  std::vector<std::unique_ptr<VcdTrace>> vcd_traces;
  std::vector<std::unique_ptr<ChromeTrace>> timelines;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const SessionOptions& o = jobs[i].options;
    if (o.trace_path.empty()) continue;
    if (o.trace_format == TraceFormat::chrome) {
      const workload::Workload& w = *jobs[i].workload;
      timelines.push_back(std::make_unique<ChromeTrace>(
          o.trace_path, *jobs[i].config,
          w.name + " (" + w.scheme.name + ") on " + jobs[i].config->name + ", " +
              (o.mode == hw::ExecMode::exact ? "exact" : "timing") + " mode",
          static_cast<int>(i) + 1));
      runners[i]->record(timelines.back().get());
      continue;
    }
    vcd_traces.push_back(std::make_unique<VcdTrace>(o.trace_path));
    vcd_traces.back()->file()->set_time_unit(1, sc_core::SC_PS);  // DRAM transfers end on fractions of a nanosecond
    runners[i]->accelerator().trace(vcd_traces.back()->file());
  }
  sc_core::sc_start();
  util::main_stack_is_current_again();
  for (const auto& r : runners)
    if (r->failure()) std::rethrow_exception(r->failure());
  RunEnd end;
  for (const auto& r : runners) end.interrupted_by = std::max(end.interrupted_by, r->interrupted());
  for (const auto& t : vcd_traces) end.traces.push_back(t->finish());
  for (const auto& t : timelines) end.traces.push_back(t->finish());
  return end;
}

RunEnd run_on_hardware(const workload::Workload& w, const hw::HwConfig& config, const SessionOptions& options,
                       const data::DatasetPair* data, RunStats& stats, ref::TensorSink* sink, const StepDone& done,
                       ref::Model* resync) {
  HardwareJob job;
  job.workload = &w;
  job.config = &config;
  job.options = options;
  job.data = data;
  job.stats = &stats;
  job.sink = sink;
  job.done = done;
  job.resync = resync;
  return run_jobs({job});
}

}  // namespace qtsim::hwsim
