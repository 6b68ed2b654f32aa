// Hardware configuration files: every preset in workloads/hw loads with the
// numbers it documents; each tests/hwconfig/corpus/NAME.json gives exactly
// the message in NAME.expected ("valid" and the converted configuration for
// good files); "extends" merges, chains, and reports cycles and bad bases.
// QTSIM_UPDATE_GOLDEN=1 rewrites the .expected files (review the diff!).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/hwconfig/hw_config_loader.hpp"

namespace qtsim::hwconfig {
namespace {

const std::string kTestDir = QTSIM_HWCONFIG_TEST_DIR;
const std::string kProjectDir = QTSIM_PROJECT_DIR;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string strip(std::string text, const std::string& prefix) {
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix)) text.erase(at, prefix.size());
  return text;
}

std::string sram_text(const hw::SramSpec& s) {
  return fmt::format("{} {} bytes, {} banks, {}-byte words, {} ports, {}", s.name, s.capacity_bytes, s.banks, s.word_bytes,
                     s.ports, s.double_buffered ? "double-buffered" : "single");
}

// Every field of the converted configuration, one per line.
std::string describe(const hw::HwConfig& c) {
  std::string t;
  t += fmt::format("name {}\ntechnology {}\nclock {} MHz\n", c.name, c.technology, c.clock_mhz);
  t += fmt::format("array {}x{} {} {} acc {} bits {} flags {}\n", c.array.rows, c.array.cols, to_string(c.array.dataflow),
                   to_string(c.array.datapath), c.array.accumulator_bits, c.array.accumulator_saturates ? "saturating" : "wrapping",
                   c.array.flag_operands ? "yes" : "no");
  for (const hw::SramSpec* s : {&c.ifmap, &c.filter, &c.ofmap, &c.vector}) t += "sram " + sram_text(*s) + "\n";
  t += fmt::format("dram {} {} GB/s {} ns\n", c.dram.type, c.dram.bandwidth_gb_per_s, c.dram.latency_ns);
  t += fmt::format("dma burst {} setup {}\n", c.dma.burst_bytes, c.dma.setup_cycles);
  t += fmt::format("vector unit {} lanes latency {}\n", c.vector_unit.lanes, c.vector_unit.pipeline_latency);
  t += fmt::format("norm unit {} {} lanes sqrt {} divide {} isqrt {} units {}\n", to_string(c.norm.kind), c.norm.lanes,
                   c.norm.sqrt_latency, c.norm.divide_latency, c.norm.isqrt_latency, c.norm.units);
  t += fmt::format("random unit {} lanes\n", c.random.lanes);
  return t;
}

// "valid" and the configuration, or the error text; paths relative to tests/hwconfig.
std::string outcome(const std::string& path) {
  std::string text;
  try {
    text = "valid\n" + describe(load_hw_config(path));
  } catch (const input::InputError& e) {
    text = std::string(e.what()) + "\n";
  }
  return strip(text, kTestDir + "/");
}

std::vector<std::string> json_stems(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, MatchesGoldenOutcome) {
  const std::string base = kTestDir + "/corpus/" + GetParam();
  const std::string actual = outcome(base + ".json");
  if (std::getenv("QTSIM_UPDATE_GOLDEN")) write_file(base + ".expected", actual);
  ASSERT_TRUE(std::filesystem::exists(base + ".expected")) << "no " << base << ".expected; actual:\n" << actual;
  EXPECT_EQ(actual, read_file(base + ".expected"));
}

INSTANTIATE_TEST_SUITE_P(Files, Corpus, ::testing::ValuesIn(json_stems(kTestDir + "/corpus")),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(CorpusCoverage, HasTheCasesTheIssueAsksFor) {
  const std::vector<std::string> names = json_stems(kTestDir + "/corpus");
  for (const char* name : {"valid_minimal", "unknown_field", "wrong_type", "missing_required", "out_of_range",
                           "zero_sized_array", "unknown_dataflow", "fp32_int_bn", "empty", "bad_json"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
}

TEST(CorpusMessages, NameFilePointerExpectedAndFound) {
  // Every line of every error names the file and (but for whole-file problems) a JSON pointer.
  for (const std::string& name : json_stems(kTestDir + "/corpus")) {
    const std::string text = outcome(kTestDir + "/corpus/" + name + ".json");
    if (text.rfind("valid\n", 0) == 0) continue;
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      const std::string line = text.substr(start, end - start);
      start = end + 1;
      SCOPED_TRACE(name + ": " + line);
      EXPECT_EQ(line.rfind("corpus/" + name + ".json: ", 0), 0u);
      EXPECT_NE(line.find("expected "), std::string::npos);
      EXPECT_NE(line.find(", found "), std::string::npos);
    }
  }
}

TEST(CorpusMessages, ReportsEveryProblemAtOnce) {
  try {
    load_hw_config(kTestDir + "/corpus/out_of_range.json");
    FAIL() << "no error";
  } catch (const input::InputError& e) {
    EXPECT_GE(e.diagnostics().size(), 8u);
  }
}

// The presets: all nine load; their key numbers are what the files say.
struct Preset {
  const char* file;
  int size;
  hw::ArrayDatapath datapath;
  hw::NormUnitKind norm;
};

TEST(Presets, EveryPresetLoads) {
  const std::vector<std::string> names = json_stems(kProjectDir + "/workloads/hw");
  EXPECT_GE(names.size(), 9u);
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    hw::HwConfig c;
    ASSERT_NO_THROW(c = load_hw_config(kProjectDir + "/workloads/hw/" + name + ".json"));
    EXPECT_EQ(c.name, name) << "a preset's name is its file name";
    EXPECT_FALSE(c.description.empty());
    EXPECT_GT(c.clock_mhz, 0);
    EXPECT_GT(c.dram.bandwidth_gb_per_s, 0);
  }
}

TEST(Presets, KeyNumbers) {
  const Preset presets[] = {
      {"int8-fixup-8x8", 8, hw::ArrayDatapath::int8, hw::NormUnitKind::fixup},
      {"int8-fixup-16x16", 16, hw::ArrayDatapath::int8, hw::NormUnitKind::fixup},
      {"int8-fixup-32x32", 32, hw::ArrayDatapath::int8, hw::NormUnitKind::fixup},
      {"fp32-bn-8x8", 8, hw::ArrayDatapath::fp32, hw::NormUnitKind::fp32_bn},
      {"fp32-bn-16x16", 16, hw::ArrayDatapath::fp32, hw::NormUnitKind::fp32_bn},
      {"fp32-bn-32x32", 32, hw::ArrayDatapath::fp32, hw::NormUnitKind::fp32_bn},
      {"int8-intbn-8x8", 8, hw::ArrayDatapath::int8, hw::NormUnitKind::int_bn},
      {"int8-intbn-16x16", 16, hw::ArrayDatapath::int8, hw::NormUnitKind::int_bn},
      {"int8-intbn-32x32", 32, hw::ArrayDatapath::int8, hw::NormUnitKind::int_bn},
  };
  for (const Preset& p : presets) {
    SCOPED_TRACE(p.file);
    const hw::HwConfig c = load_hw_config(kProjectDir + "/workloads/hw/" + p.file + ".json");
    EXPECT_EQ(c.array.rows, p.size);
    EXPECT_EQ(c.array.cols, p.size);
    EXPECT_EQ(c.array.datapath, p.datapath);
    EXPECT_EQ(c.norm.kind, p.norm);
    EXPECT_EQ(c.array.flag_operands, p.datapath == hw::ArrayDatapath::int8);
    EXPECT_EQ(c.array.accumulator_bits, 32);
    EXPECT_EQ(c.clock_mhz, 1000.0);
    EXPECT_EQ(c.dram.type, "LPDDR4");
    EXPECT_EQ(c.dram.bandwidth_gb_per_s, 25.6);
    EXPECT_EQ(c.technology, "45nm");
    // Edge-sized SRAMs, 64-512 KiB each.
    for (const hw::SramSpec* s : {&c.ifmap, &c.filter, &c.ofmap, &c.vector}) {
      EXPECT_GE(s->capacity_bytes, 64u * 1024) << s->name;
      EXPECT_LE(s->capacity_bytes, 512u * 1024) << s->name;
    }
    // The vector buffer holds a 112x112 int32 plane and its int8 requantized
    // plane in each half (the stem's output of an ImageNet ResNet).
    EXPECT_TRUE(c.vector.double_buffered);
    EXPECT_GE(c.vector.usable_bytes(), 112u * 112 * 4 + 112u * 112);
    EXPECT_GE(c.vector.capacity_bytes, 256u * 1024);
  }
}

TEST(Presets, SchemaDocumentsEveryField) {
  // Every property of the schema carries a description (units included).
  const nlohmann::json schema = nlohmann::json::parse(read_file(kProjectDir + "/workloads/schema/hw.schema.json"));
  std::vector<std::string> missing;
  std::function<void(const nlohmann::json&, const std::string&)> walk = [&](const nlohmann::json& s, const std::string& at) {
    if (!s.is_object()) return;
    if (s.contains("properties"))
      for (const auto& [name, p] : s.at("properties").items()) {
        if (!p.contains("description")) missing.push_back(at + "/" + name);
        walk(p, at + "/" + name);
      }
  };
  walk(schema, "");
  for (const auto& [name, d] : schema.at("$defs").items()) walk(d, "$defs/" + name);
  EXPECT_TRUE(missing.empty()) << fmt::format("{}", fmt::join(missing, ", "));
}

// "extends"
TEST(Extends, MergesObjectsFieldByField) {
  const hw::HwConfig c = load_hw_config(kTestDir + "/extends/child.json");
  EXPECT_EQ(c.name, "child");
  EXPECT_EQ(c.array.rows, 32);                // overridden
  EXPECT_EQ(c.array.cols, 8);                 // kept from the base
  EXPECT_EQ(c.array.dataflow, hw::Dataflow::ws);
  EXPECT_EQ(c.ifmap.capacity_bytes, 128u * 1024);
  EXPECT_EQ(c.ifmap.banks, 4);                // a field of an overridden object is kept
  EXPECT_EQ(c.dram.latency_ns, 80.0);
  EXPECT_EQ(c.norm.lanes, 8);
  EXPECT_EQ(c.description, "a complete configuration others extend");
}

TEST(Extends, Chains) {
  const hw::HwConfig c = load_hw_config(kTestDir + "/extends/grandchild.json");
  EXPECT_EQ(c.name, "grandchild");
  EXPECT_EQ(c.array.rows, 32);
  EXPECT_EQ(c.clock_mhz, 500.0);
  EXPECT_EQ(c.dram.bandwidth_gb_per_s, 12.8);
  EXPECT_EQ(c.dram.latency_ns, 80.0);
  EXPECT_EQ(c.file, kTestDir + "/extends/grandchild.json");
}

TEST(Extends, DocumentShowsTheMergedFieldsAndDefaults) {
  const nlohmann::json j = load_hw_config_json(kTestDir + "/extends/child.json");
  EXPECT_EQ(j.at("extends"), "base.json");
  EXPECT_EQ(j.at("mac_array").at("rows"), 32);
  EXPECT_EQ(j.at("dma").at("burst_bytes"), 64);
}

TEST(Extends, Errors) {
  const std::pair<const char*, const char*> cases[] = {
      {"fp32_over_int8",
       "extends/fp32_over_int8.json: at /mac_array/flag_operands: expected false or no field for an fp32 datapath "
       "(flag-quantized error operands are an int8 format), found true (a boolean) (the value comes from extends/base.json (extends))\n"},
      {"bad_override",
       "extends/bad_override.json: at /mac_array/colls: expected one of the fields: accumulator_bits, accumulator_saturates, "
       "cols, dataflow, datapath, flag_operands, rows, found unknown field \"colls\" (did you mean 'cols'?)\n"
       "extends/bad_override.json: at /mac_array/rows: expected an integer in [1, 1024], found 0 (an integer)\n"
       "extends/bad_override.json: at /sram/ofmap: expected an object, found 64 (an integer)\n"},
      {"cycle_a",
       "extends/cycle_b.json: at /extends: expected a configuration that does not extend itself, found \"cycle_a.json\", "
       "a cycle: cycle_a.json -> cycle_b.json -> cycle_a.json\n"},
      {"missing_base",
       "extends/missing_base.json: at /extends: expected a hardware configuration file (path relative to this file), "
       "found \"no_such_base.json\" (no such file: extends/no_such_base.json)\n"},
      {"broken_base",
       "corpus/zero_sized_array.json: at /mac_array/cols: expected an integer in [1, 1024], found 0 (an integer)\n"
       "corpus/zero_sized_array.json: at /mac_array/rows: expected an integer in [1, 1024], found 0 (an integer)\n"},
  };
  for (const auto& [name, expected] : cases) {
    SCOPED_TRACE(name);
    std::string text = outcome(kTestDir + "/extends/" + name + ".json");
    text = strip(text, "extends/../");
    EXPECT_EQ(text, expected);
  }
}

TEST(Parse, DocumentWithoutAFile) {
  nlohmann::json doc = nlohmann::json::parse(read_file(kTestDir + "/corpus/valid_minimal.json"));
  const hw::HwConfig c = parse_hw_config(doc, "inline");
  EXPECT_EQ(c.array.rows, 4);
  EXPECT_EQ(c.ofmap.name, "ofmap");
  doc["clock_mhz"] = -1;
  try {
    parse_hw_config(doc, "inline");
    FAIL() << "no error";
  } catch (const input::InputError& e) {
    EXPECT_EQ(std::string(e.what()), "inline: at /clock_mhz: expected a number in (0, 10000], found -1 (an integer)");
  }
}

}  // namespace
}  // namespace qtsim::hwconfig
