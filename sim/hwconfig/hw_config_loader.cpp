#include "hw_config_loader.hpp"

#include <filesystem>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "sim/input/embedded_schemas.hpp"
#include "sim/input/json_file.hpp"
#include "sim/input/schema_validator.hpp"
#include "sim/input/value_text.hpp"

namespace qtsim::hwconfig {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxExtendsDepth = 16;

// Where the fields of a merged document came from, for hints on values a
// file did not write itself.
struct Provenance {
  const json* own = nullptr;  // the file's own document (null: no "extends")
  std::string base_file;      // the file it extends
  std::string hint(const std::string& pointer) const {
    if (!own || base_file.empty()) return "";
    try {
      if (own->contains(json::json_pointer(pointer))) return "";
    } catch (const json::exception&) {
      return "";
    }
    return "the value comes from " + base_file + " (extends)";
  }
};

// Objects merged field by field; anything else in `patch` replaces `base`.
void merge_into(json& base, const json& patch) {
  if (!base.is_object() || !patch.is_object()) {
    base = patch;
    return;
  }
  for (const auto& [key, value] : patch.items()) {
    auto it = base.find(key);
    if (it != base.end() && it->is_object() && value.is_object())
      merge_into(*it, value);
    else
      base[key] = value;
  }
}

hw::SramSpec sram_spec(const std::string& name, const json& j) {
  hw::SramSpec s;
  s.name = name;
  s.capacity_bytes = j.at("capacity_kib").get<std::uint64_t>() * 1024;
  s.banks = j.at("banks");
  s.word_bytes = j.at("word_bytes");
  s.ports = j.at("ports");
  s.double_buffered = j.at("double_buffered");
  return s;
}

hw::Dataflow dataflow_of(const std::string& s) {
  if (s == "ws") return hw::Dataflow::ws;
  if (s == "is") return hw::Dataflow::is;
  return hw::Dataflow::os;
}

hw::NormUnitKind norm_kind_of(const std::string& s) {
  if (s == "fp32-bn") return hw::NormUnitKind::fp32_bn;
  if (s == "int-bn") return hw::NormUnitKind::int_bn;
  return hw::NormUnitKind::fixup;
}

// SystemC counts simulated time in 1 ps steps in 64 bits: at most 2^64 ps,
// about 1.8e7 s (docs/HW_CONFIG.md, "Time base"). The slowest clock keeps room
// for 1.8e12 cycles (10 us each), the slowest memory for 1.8e13 bytes (1 MB/s).
constexpr double kMinClockMhz = 0.1;
constexpr double kMinBandwidthGbPerS = 0.001;

void check_time_base(const json& doc, const Provenance& from, input::DiagnosticList& diags) {
  const double clock = doc.at("clock_mhz").get<double>();
  if (clock < kMinClockMhz)
    diags.add("/clock_mhz",
              "a clock of at least 0.1 MHz (a cycle of at most 10 us: the simulator's time base, 1 ps in 64 bits "
              "= 213 days, must hold 1.8e12 cycles)",
              input::describe_value(doc.at("clock_mhz")), from.hint("/clock_mhz"));
  const double bandwidth = doc.at("dram").at("bandwidth_gb_per_s").get<double>();
  if (bandwidth < kMinBandwidthGbPerS)
    diags.add("/dram/bandwidth_gb_per_s",
              "at least 0.001 GB/s (1 MB/s: the simulator's time base, 213 days, must hold the transfer of 1.8e13 bytes)",
              input::describe_value(doc.at("dram").at("bandwidth_gb_per_s")), from.hint("/dram/bandwidth_gb_per_s"));
}

// What the schema cannot say. `doc` passed the schema (defaults filled in).
void check_semantics(const json& doc, const Provenance& from, input::DiagnosticList& diags) {
  check_time_base(doc, from, diags);
  const json& arr = doc.at("mac_array");
  const bool fp32 = arr.at("datapath") == "fp32";
  if (fp32) {
    if (arr.contains("accumulator_bits") && arr.at("accumulator_bits").get<int>() != 32)
      diags.add("/mac_array/accumulator_bits", "32 or no field for an fp32 datapath (it accumulates in FP32)",
                input::describe_value(arr.at("accumulator_bits")), from.hint("/mac_array/accumulator_bits"));
    if (arr.contains("flag_operands") && arr.at("flag_operands").get<bool>())
      diags.add("/mac_array/flag_operands",
                "false or no field for an fp32 datapath (flag-quantized error operands are an int8 format)",
                input::describe_value(arr.at("flag_operands")), from.hint("/mac_array/flag_operands"));
    if (doc.at("norm_unit").at("kind") == "int-bn")
      diags.add("/norm_unit/kind",
                "\"fp32-bn\" or \"fixup\" for an fp32 datapath (int-bn is WAGEUBN's integer batchnorm for an int8 datapath)",
                input::describe_value(doc.at("norm_unit").at("kind")),
                from.hint("/norm_unit/kind").empty() ? from.hint("/mac_array/datapath") : from.hint("/norm_unit/kind"));
  }
  for (const char* name : {"ifmap", "filter", "ofmap", "vector"}) {
    const json& b = doc.at("sram").at(name);
    const std::uint64_t bytes = b.at("capacity_kib").get<std::uint64_t>() * 1024;
    const std::uint64_t banks = b.at("banks"), word = b.at("word_bytes");
    const std::string at = fmt::format("/sram/{}/banks", name);
    if (bytes % (banks * word) != 0)
      diags.add(at,
                fmt::format("a number of banks that splits the {} bytes into banks of whole {}-byte words", bytes, word),
                fmt::format("{} banks ({} bytes is not a multiple of {} x {})", banks, bytes, banks, word), from.hint(at));
  }
}

hw::HwConfig convert(const json& doc, const std::string& file) {
  hw::HwConfig c;
  c.file = file;
  c.name = doc.at("name");
  c.description = doc.at("description");
  c.technology = doc.at("technology");
  c.clock_mhz = doc.at("clock_mhz");
  const json& arr = doc.at("mac_array");
  c.array.rows = arr.at("rows");
  c.array.cols = arr.at("cols");
  c.array.dataflow = dataflow_of(arr.at("dataflow"));
  c.array.datapath = arr.at("datapath") == "fp32" ? hw::ArrayDatapath::fp32 : hw::ArrayDatapath::int8;
  const bool int8 = c.array.datapath == hw::ArrayDatapath::int8;
  c.array.accumulator_bits = arr.value("accumulator_bits", 32);
  c.array.accumulator_saturates = arr.value("accumulator_saturates", true);
  c.array.flag_operands = arr.value("flag_operands", int8);
  const json& sram = doc.at("sram");
  c.ifmap = sram_spec("ifmap", sram.at("ifmap"));
  c.filter = sram_spec("filter", sram.at("filter"));
  c.ofmap = sram_spec("ofmap", sram.at("ofmap"));
  c.vector = sram_spec("vector", sram.at("vector"));
  const json& dram = doc.at("dram");
  c.dram.type = dram.at("type");
  c.dram.bandwidth_gb_per_s = dram.at("bandwidth_gb_per_s");
  c.dram.latency_ns = dram.at("latency_ns");
  c.dma.burst_bytes = doc.at("dma").at("burst_bytes");
  c.dma.setup_cycles = doc.at("dma").at("setup_cycles");
  c.vector_unit.lanes = doc.at("vector_unit").at("lanes");
  c.vector_unit.pipeline_latency = doc.at("vector_unit").at("pipeline_latency");
  const json& norm = doc.at("norm_unit");
  c.norm.kind = norm_kind_of(norm.at("kind"));
  c.norm.lanes = norm.at("lanes");
  c.norm.sqrt_latency = norm.at("sqrt_latency");
  c.norm.divide_latency = norm.at("divide_latency");
  c.norm.isqrt_latency = norm.at("isqrt_latency");
  c.norm.units = norm.at("units");
  c.random.lanes = doc.at("random_unit").at("lanes");
  return c;
}

// Schema, then semantics; throws InputError. Fills defaults into `doc`.
void check_document(json& doc, const std::string& file, const Provenance& from) {
  input::DiagnosticList diags(file);
  input::validate(input::embedded_schema("hw"), doc, diags);
  if (diags.empty()) check_semantics(doc, from, diags);
  if (!from.base_file.empty()) {
    // Problems the base did not have come from this file's fields; say which file they start from.
    std::vector<input::Diagnostic> items = diags.items();
    for (auto& d : items)
      if (d.hint.empty()) d.hint = from.hint(d.pointer);
    if (!items.empty()) throw input::InputError(items);
  }
  diags.throw_if_any();
}

std::string canonical_or_absolute(const std::filesystem::path& p) {
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(p, ec);
  if (ec) c = std::filesystem::absolute(p, ec);
  return c.string();
}

// The document of `path` with its "extends" chain merged in and checked.
json resolve(const std::string& path, std::vector<std::string>& chain) {
  json doc = input::read_json_file(path);
  chain.push_back(canonical_or_absolute(path));
  Provenance from;
  json own;
  if (doc.is_object() && doc.contains("extends") && doc.at("extends").is_string() &&
      !doc.at("extends").get_ref<const std::string&>().empty()) {
    const std::string target = doc.at("extends");
    const std::filesystem::path base_path = std::filesystem::path(path).parent_path() / target;
    const std::string base_file = base_path.lexically_normal().string();
    const std::string base_key = canonical_or_absolute(base_path);
    for (const std::string& seen : chain)
      if (seen == base_key) {
        std::string cycle;
        for (const std::string& s : chain) cycle += std::filesystem::path(s).filename().string() + " -> ";
        throw input::InputError(input::Diagnostic{path, "/extends", "a configuration that does not extend itself",
                                                  fmt::format("\"{}\", a cycle: {}{}", target, cycle,
                                                              std::filesystem::path(base_key).filename().string()),
                                                  ""});
      }
    if (chain.size() >= kMaxExtendsDepth)
      throw input::InputError(input::Diagnostic{path, "/extends",
                                                fmt::format("at most {} files extending one another", kMaxExtendsDepth),
                                                fmt::format("\"{}\" at depth {}", target, chain.size()), ""});
    std::error_code ec;
    if (!std::filesystem::is_regular_file(base_path, ec))
      throw input::InputError(input::Diagnostic{path, "/extends",
                                                "a hardware configuration file (path relative to this file)",
                                                fmt::format("\"{}\" ({} {})", target,
                                                            std::filesystem::exists(base_path, ec) ? "not a regular file:" : "no such file:",
                                                            base_file),
                                                ""});
    json base = resolve(base_file, chain);
    own = doc;
    own.erase("extends");
    merge_into(base, own);
    base["extends"] = target;
    doc = std::move(base);
    from.own = &own;
    from.base_file = base_file;
  }
  check_document(doc, path, from);
  chain.pop_back();
  return doc;
}

}  // namespace

nlohmann::json load_hw_config_json(const std::string& path) {
  std::vector<std::string> chain;
  return resolve(path, chain);
}

hw::HwConfig load_hw_config(const std::string& path) { return convert(load_hw_config_json(path), path); }

hw::HwConfig parse_hw_config(nlohmann::json document, const std::string& file) {
  check_document(document, file, Provenance{});
  return convert(document, file);
}

}  // namespace qtsim::hwconfig
