#include "design_derivation.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

namespace qtsim::compare {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxName = 64;       // hw.schema.json /name
constexpr std::uint64_t kMaxWordBytes = 4096;  // hw.schema.json sram_buffer/word_bytes

std::uint64_t element_bytes(const json& doc) { return doc.at("mac_array").at("datapath") == "fp32" ? 4 : 1; }

std::string text_of(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::string array_text(const json& doc) {
  const json& a = doc.at("mac_array");
  return fmt::format("{}x{} {}", text_of(a.at("rows")), text_of(a.at("cols")), text_of(a.at("dataflow")));
}

std::string sram_text(const json& doc) {
  std::string s;
  for (const char* b : {"ifmap", "filter", "ofmap", "vector"})
    s += (s.empty() ? "" : "/") + text_of(doc.at("sram").at(b).at("capacity_kib"));
  return s + " KiB";
}

std::string dram_text(const json& doc) {
  const json& d = doc.at("dram");
  return fmt::format("{} {} GB/s {} ns", text_of(d.at("type")), text_of(d.at("bandwidth_gb_per_s")), text_of(d.at("latency_ns")));
}

std::string norm_text(const json& unit, const std::string& family) {
  const std::string kind = unit.at("kind");
  std::string s = fmt::format("{} normalization unit ({} lanes", kind, text_of(unit.at("lanes")));
  if (kind == "fp32-bn")
    s += fmt::format(", square root {} and divide {} cycles", text_of(unit.value("sqrt_latency", json(12))),
                     text_of(unit.value("divide_latency", json(14))));
  if (kind == "int-bn") s += fmt::format(", integer square root {} cycles", text_of(unit.value("isqrt_latency", json(32))));
  if (kind != "fixup") s += fmt::format(", {} square-root unit(s)", text_of(unit.value("units", json(1))));
  return s + fmt::format(", as in {}-16x16)", family);
}

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : ", ") + p;
  return s;
}

// The operand buffers' port widths for the new element size; kept (and said)
// when the scaled width would not split a bank into whole words.
std::string scale_operand_ports(json& doc, std::uint64_t from, std::uint64_t to) {
  std::vector<std::string> parts;
  for (const char* name : {"ifmap", "filter"}) {
    json& b = doc["sram"][name];
    const std::uint64_t word = b.at("word_bytes"), banks = b.at("banks");
    const std::uint64_t bytes = b.at("capacity_kib").get<std::uint64_t>() * 1024;
    const std::uint64_t scaled = to > from ? word * (to / from) : std::max<std::uint64_t>(1, word / (from / to));
    if (scaled <= kMaxWordBytes && bytes % (banks * scaled) == 0) {
      b["word_bytes"] = scaled;
      parts.push_back(fmt::format("{} port {} -> {} bytes", name, word, scaled));
    } else {
      parts.push_back(fmt::format("{} port kept at {} bytes ({} would not split its banks into whole words)", name, word, scaled));
    }
  }
  return join(parts) + " (one array row or column of operands per cycle, as in the presets)";
}

}  // namespace

DerivedDesign derive_design(const json& source, const std::string& source_role, const json& family_preset,
                            const std::string& family) {
  json d = source;
  std::vector<std::string> changed;
  const json& from_array = source.at("mac_array");
  const json& to_array = family_preset.at("mac_array");
  if (from_array.at("datapath") != to_array.at("datapath")) {
    for (const char* key : {"datapath", "accumulator_bits", "accumulator_saturates", "flag_operands"}) {
      if (to_array.contains(key)) d["mac_array"][key] = to_array.at(key);
      else d["mac_array"].erase(key);
    }
    changed.push_back(text_of(to_array.at("datapath")) + " datapath");
    changed.push_back(scale_operand_ports(d, element_bytes(source), element_bytes(family_preset)));
  }
  const json& to_norm = family_preset.at("norm_unit");
  if (source.at("norm_unit").at("kind") != to_norm.at("kind")) {
    json unit = to_norm;
    unit["lanes"] = source.at("norm_unit").at("lanes");
    d["norm_unit"] = unit;
    changed.push_back(norm_text(unit, family));
  }
  const int from_random = source.at("random_unit").at("lanes"), preset_random = family_preset.at("random_unit").at("lanes");
  const int random = preset_random == 0 ? 0 : from_random > 0 ? from_random : from_array.at("cols").get<int>();
  if (random != from_random) {
    d["random_unit"]["lanes"] = random;
    changed.push_back(random == 0 ? std::string("no random-bit unit (no stochastic rounding)")
                                  : fmt::format("{} random-bit lanes (one per array column)", random));
  }
  const std::string source_name = source.value("name", std::string("design"));
  const std::string prefix = family + "-from-";
  d["name"] = prefix + source_name.substr(0, kMaxName - std::min(kMaxName, prefix.size()));
  DerivedDesign out;
  out.how = fmt::format("derived from {} ({}): {}; array {}, SRAM {}, {} MHz, {}, {} as {}'s", source_role, source_name,
                        changed.empty() ? std::string("nothing to change") : join(changed), array_text(source),
                        sram_text(source), text_of(source.at("clock_mhz")), dram_text(source),
                        text_of(source.at("technology")), source_role);
  d["description"] = ("Derived by qtsim compare " + out.how).substr(0, 2000);
  out.document = std::move(d);
  return out;
}

std::string equal_fields_that_differ(const json& a, const json& b) {
  std::vector<std::string> out;
  auto differs = [&](const std::string& what, const std::string& x, const std::string& y) {
    if (x != y) out.push_back(fmt::format("{} ({} vs {})", what, x, y));
  };
  differs("array", array_text(a), array_text(b));
  differs("SRAM capacities", sram_text(a), sram_text(b));
  differs("clock", text_of(a.at("clock_mhz")) + " MHz", text_of(b.at("clock_mhz")) + " MHz");
  differs("DRAM", dram_text(a), dram_text(b));
  differs("technology", text_of(a.at("technology")), text_of(b.at("technology")));
  return join(out);
}

}  // namespace qtsim::compare
