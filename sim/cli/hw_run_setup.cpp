#include "hw_run_setup.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>

#include "sim/hwconfig/hw_config_loader.hpp"
#include "sim/hwsim/hardware_fit.hpp"
#include "sim/input/diagnostic.hpp"
#include "sim/train/trainer.hpp"
#include "sim/util/output_path.hpp"
#include "preset_paths.hpp"
#include "workload_overrides.hpp"

namespace qtsim::cli {

std::uint64_t parse_bytes(const std::string& text, const char* option) {
  std::size_t i = 0;
  std::uint64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && value < (std::uint64_t{1} << 50))
    value = value * 10 + static_cast<std::uint64_t>(text[i++] - '0');
  std::uint64_t unit = 1;
  if (i < text.size()) {
    switch (std::toupper(static_cast<unsigned char>(text[i]))) {
      case 'K': unit = 1ull << 10; break;
      case 'M': unit = 1ull << 20; break;
      case 'G': unit = 1ull << 30; break;
      case 'T': unit = 1ull << 40; break;
      default: unit = 0;
    }
    ++i;
  }
  if (i == 0 || unit == 0 || i != text.size() || value == 0)
    throw input::InputError(input::Diagnostic{"command line", option, "a size in bytes such as 512M or 8G", "\"" + text + "\"", ""});
  return value * unit;
}

namespace {

// The trace's format follows its name: FILE.vcd or FILE.json.
hwsim::TraceFormat trace_format_of(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension == ".vcd") return hwsim::TraceFormat::vcd;
  if (extension == ".json") return hwsim::TraceFormat::chrome;
  throw input::InputError(input::Diagnostic{
      "command line", "--trace",
      "a file name ending in .vcd (signals for GTKWave) or .json (a timeline in the Chrome trace-event format, for "
      "Perfetto UI and chrome://tracing)",
      "\"" + path + "\"", ""});
}

std::uint64_t physical_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(size) : (8ull << 30);
}

}  // namespace

void apply_hw_overrides(const po::variables_map& v, nlohmann::json& doc) {
  input::DiagnosticList diags("command line");
  if (v.count("dataflow")) {
    const std::string d = v["dataflow"].as<std::string>();
    if (d != "os" && d != "ws" && d != "is")
      diags.add("--dataflow", "os, ws or is", "\"" + d + "\"");
    else
      doc["mac_array"]["dataflow"] = d;
  }
  if (v.count("array")) {
    const std::string a = v["array"].as<std::string>();
    int rows = 0, cols = 0;
    char x = 0, extra = 0;
    if (std::sscanf(a.c_str(), "%d%c%d%c", &rows, &x, &cols, &extra) != 3 || (x != 'x' && x != 'X') || rows < 1 ||
        cols < 1 || rows > 4096 || cols > 4096) {
      diags.add("--array", "ROWSxCOLS with each in [1, 4096], e.g. 16x16", "\"" + a + "\"");
    } else {
      doc["mac_array"]["rows"] = rows;
      doc["mac_array"]["cols"] = cols;
      doc["name"] = doc.value("name", std::string("hw")) + "-" + std::to_string(rows) + "x" + std::to_string(cols);
    }
  }
  diags.throw_if_any();
  if (v.count("dataflow")) doc["name"] = doc.value("name", std::string("hw")) + "-" + v["dataflow"].as<std::string>();
}

HwRunSetup prepare_hw_run(const po::variables_map& v, const char* verb) {
  input::DiagnosticList diags("command line");
  if (!v.count("workload")) diags.add("WORKLOAD", "a workload file (workloads/*.json)", "nothing");
  if (!v.count("hw")) diags.add("--hw", "a hardware configuration (workloads/hw/*.json)", "nothing");
  const std::string mode = v.count("mode") ? v["mode"].as<std::string>() : "exact";
  if (mode != "exact" && mode != "timing") diags.add("--mode", "exact or timing", "\"" + mode + "\"");
  diags.throw_if_any();

  WorkloadOverrides overrides;
  overrides.seed = seed_option(v);
  if (v.count("scheme")) overrides.scheme = v["scheme"].as<std::string>();
  if (v.count("steps")) overrides.steps = v["steps"].as<std::int64_t>();
  HwRunSetup s{load_with_overrides(v["workload"].as<std::string>(), overrides), {}, {}, {}, std::nullopt};
  const std::string hw_path = preset_option("hw", v["hw"].as<std::string>(), "--hw");
  s.hw_document = hwconfig::load_hw_config_json(hw_path);
  apply_hw_overrides(v, s.hw_document);
  s.config = hwconfig::parse_hw_config(s.hw_document, hw_path);
  s.session.mode = mode == "timing" ? hw::ExecMode::timing : hw::ExecMode::exact;
  s.session.steps = overrides.steps.value_or(1);
  if (v.count("trace")) {
    s.session.trace_path = v["trace"].as<std::string>();
    util::check_output_file(s.session.trace_path, "--trace");
    s.session.trace_format = trace_format_of(s.session.trace_path);
  }
  s.session.progress = !v.count("no-progress");
  // Lowering a step checks that this hardware can run this workload at all
  // (datapath, normalization unit, buffers large enough for every layer).
  const std::uint64_t need = hwsim::check_hardware_fits(s.workload, s.config, hw_path);
  if (s.session.mode == hw::ExecMode::timing)
    refuse_unused_options(v, {"--max-memory"}, "in timing mode", "timing runs move no data, so they need no DRAM model memory");
  if (s.session.mode == hw::ExecMode::exact) {
    const std::uint64_t limit = v.count("max-memory") ? parse_bytes(v["max-memory"].as<std::string>(), "--max-memory")
                                                      : physical_memory() / 2;
    if (need > limit)
      throw input::InputError(input::Diagnostic{
          "command line", "--max-memory",
          fmt::format("an exact {} of {} to fit in {:.2f} GiB (raise --max-memory, lower the batch, or use --mode timing)",
                      verb, s.workload.name, static_cast<double>(limit) / (1ull << 30)),
          fmt::format("{:.2f} GiB of DRAM model per step", static_cast<double>(need) / (1ull << 30)), ""});
  }
  return s;
}

void load_run_data(HwRunSetup& s) {
  if (s.session.mode == hw::ExecMode::exact) s.data = train::load_data(s.workload);
}

}  // namespace qtsim::cli
