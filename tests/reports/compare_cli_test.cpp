// qtsim compare end to end on a small network: every section and file, the
// headline on stdout, --vary, byte-identical regeneration; malformed inputs
// exit 2 and write nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "reports/unit_colors.hpp"
#include "run_tool.hpp"
#include "tests/reports/page_checks.hpp"

namespace qtsim::test {
namespace {

namespace fs = std::filesystem;

TEST(CompareCommand, SmallNetworkGivesEverySection) {
  TempDir d;
  const std::string args = "compare workloads/resnet20-cifar-fixup.json --vary fp32.sqrt.energy_pj=20:80 --no-progress --out ";
  const ToolRun r = run_qtsim(args + (d.path / "a").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* line : {"Whole training step (tables as given):", "low-leakage SRAM (sram.leakage_factor = 0.01)",
                           "Normalization stage, baseline / design", "What drives the candidate's ratios:", "fp32.sqrt.energy_pj",
                           "wall time"})
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  for (const char* f : {"compare.json", "compare.md", "compare.html", "baseline/stats.json", "candidate/stats.json",
                        "iso-area/stats.json", "wageubn/stats.json", "dfp/stats.json"})
    EXPECT_TRUE(fs::exists(d.path / "a" / f)) << f;

  const auto j = nlohmann::json::parse(read_file(d.path / "a" / "compare.json"));
  EXPECT_EQ(j["format"], "qtsim-compare");
  ASSERT_EQ(j["designs"].size(), 5u);
  const std::vector<std::string> keys{"baseline", "candidate", "iso-area", "wageubn", "dfp"};
  const std::vector<std::string> schemes{"fp32-bn", "int8-eoq", "fp32-bn", "int8-wageubn", "int8-dfp"};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(j["designs"][i]["design"], keys[i]);
    EXPECT_EQ(j["designs"][i]["scheme"], schemes[i]);
    const auto& res = j["results"][i];
    EXPECT_GT(res["totals"]["energy_pj"].get<double>(), 0) << keys[i];
    for (const char* s : {"training", "inference", "inference-running"})
      EXPECT_TRUE(res["normalization_stage"].contains(s)) << keys[i] << " " << s;
  }
  EXPECT_EQ(j["designs"][0]["hardware"]["name"], "fp32-bn-16x16") << "the baseline matches the candidate's array";
  EXPECT_EQ(j["designs"][3]["hardware"]["name"], "int8-intbn-16x16");
  EXPECT_EQ(j["workload_variants"].size(), 4u);
  // The iso-area design says what it matched, and its area is within 5% of it.
  const auto& iso = j["iso_area"];
  ASSERT_TRUE(iso.contains("matched"));
  EXPECT_NEAR(iso["area_um2"].get<double>() / iso["target_um2"].get<double>(), 1.0, 0.05) << iso.dump();
  // The candidate's ratios are the baseline's figures over its own.
  const auto& b = j["results"][0]["totals"];
  const auto& c = j["results"][1]["totals"];
  const auto& ratios = j["results"][1]["ratios_to_baseline"];
  EXPECT_DOUBLE_EQ(ratios["energy"].get<double>(), b["energy_pj"].get<double>() / c["energy_pj"].get<double>());
  EXPECT_DOUBLE_EQ(ratios["latency"].get<double>(), b["seconds"].get<double>() / c["seconds"].get<double>());
  EXPECT_DOUBLE_EQ(ratios["power"].get<double>(), b["average_power_mw"].get<double>() / c["average_power_mw"].get<double>());
  EXPECT_DOUBLE_EQ(ratios["area"].get<double>(), b["area_um2"].get<double>() / c["area_um2"].get<double>());
  const auto& stage = j["results"][1]["normalization_stage"]["inference"];
  EXPECT_GT(stage["kernels"].get<int>(), 0);
  EXPECT_GT(j["results"][0]["normalization_stage"]["training"]["kernels"].get<int>(),
            j["results"][0]["normalization_stage"]["inference"]["kernels"].get<int>());
  EXPECT_GT(j["results"][0]["normalization_stage"]["inference"]["kernels"].get<int>(),
            j["results"][0]["normalization_stage"]["inference-running"]["kernels"].get<int>())
      << "running statistics drop the statistics passes";
  ASSERT_FALSE(j["drivers"].empty());
  EXPECT_FALSE(j["drivers"][0]["energy_pj"].empty());
  EXPECT_FALSE(j["sensitivity"].empty());
  EXPECT_EQ(j["sensitivity"][0]["path"], "fp32.sqrt.energy_pj");
  EXPECT_EQ(j["low_leakage_sram"]["sram.leakage_factor"], 0.01);

  const std::string html = read_file(d.path / "a" / "compare.html");
  std::size_t svgs = 0;
  for (std::size_t at = html.find("<svg "); at != std::string::npos; at = html.find("<svg ", at + 1)) ++svgs;
  EXPECT_GE(svgs, 10u) << "baseline and candidate (4), every design (4), outliers apart, normalization (2)";
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // The baseline-and-candidate charts have those two rows alone.
  for (const char* id : {"cmp-energy-main", "cmp-power-main", "cmp-latency-main", "cmp-area-main"}) {
    const std::size_t at = html.find("aria-labelledby=\"" + std::string(id) + "-t");
    ASSERT_NE(at, std::string::npos) << id;
    const std::string svg = html.substr(at, html.find("</svg>", at) - at);
    std::size_t rows = 0;
    for (std::size_t r = svg.find("<g class=\"row\">"); r != std::string::npos; r = svg.find("<g class=\"row\">", r + 1)) ++rows;
    EXPECT_EQ(rows, 2u) << id;
  }
  // One colour per unit, phase and part on the whole page, the palette's.
  for (const auto& [name, fills] : fills_by_name(html)) {
    EXPECT_EQ(fills.size(), 1u) << name << " drawn in " << fills.size() << " colours";
    if (!reports::unit_color(name).empty()) {
      EXPECT_EQ(*fills.begin(), reports::unit_color(name)) << name;
    }
  }

  // Regenerated byte for byte, from another working directory too.
  const ToolRun again = run_qtsim(args + (d.path / "b").string());
  ASSERT_EQ(again.exit_code, 0);
  for (const char* f : {"compare.json", "compare.md", "compare.html", "candidate/stats.json"})
    EXPECT_EQ(read_file(d.path / "a" / f), read_file(d.path / "b" / f)) << f;
}


nlohmann::json preset(const std::string& name) {
  return nlohmann::json::parse(read_file(fs::path(source_dir()) / "workloads" / "hw" / (name + ".json")));
}

const char* const kBuffers[] = {"ifmap", "filter", "ofmap", "vector"};

// A custom candidate (64x64, 512 KiB buffers): every other design keeps its
// array, SRAM, clock, DRAM and node, and stdout says how each was derived.
TEST(CompareCommand, CustomCandidateDerivesEveryOtherDesign) {
  TempDir d;
  nlohmann::json cand = preset("int8-fixup-16x16");
  cand["name"] = "my-int8-64x64";
  cand["mac_array"]["rows"] = 64;
  cand["mac_array"]["cols"] = 64;
  for (const char* b : kBuffers) cand["sram"][b]["capacity_kib"] = 512;
  for (const char* u : {"vector_unit", "norm_unit", "random_unit"}) cand[u]["lanes"] = 64;
  std::ofstream(d.path / "my-int8-64x64.json") << cand.dump(1);
  const ToolRun r = run_qtsim("compare tests/accelerator/workloads/tiny-resnet-bn.json --candidate " +
                              (d.path / "my-int8-64x64.json").string() + " --no-progress --out " + (d.path / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(read_file(d.path / "out" / "compare.json"));
  ASSERT_EQ(j["designs"].size(), 5u);
  for (const auto& design : j["designs"]) {
    const std::string key = design["design"];
    const auto& hw = design["hardware"];
    for (const char* b : kBuffers) EXPECT_EQ(hw["sram"][b]["capacity_kib"], 512) << key << " " << b;
    EXPECT_EQ(hw["clock_mhz"], cand["clock_mhz"]) << key;
    EXPECT_EQ(hw["dram"], cand["dram"]) << key;
    EXPECT_EQ(hw["technology"], cand["technology"]) << key;
    EXPECT_EQ(hw["mac_array"]["dataflow"], "os") << key;
    if (key != "iso-area") {
      EXPECT_EQ(hw["mac_array"]["rows"], 64) << key;
      EXPECT_EQ(hw["mac_array"]["cols"], 64) << key;
    }
    EXPECT_FALSE(design["derivation"].get<std::string>().empty()) << key;
  }
  const auto& base = j["designs"][0]["hardware"];
  EXPECT_EQ(base["name"], "fp32-bn-from-my-int8-64x64");
  EXPECT_EQ(base["mac_array"]["datapath"], "fp32");
  EXPECT_EQ(base["norm_unit"]["kind"], "fp32-bn");
  EXPECT_EQ(base["norm_unit"]["lanes"], 64);
  EXPECT_EQ(base["random_unit"]["lanes"], 0) << "FP32 rounds to nearest: no random-bit unit";
  EXPECT_EQ(base["sram"]["ifmap"]["word_bytes"], 64) << "16-byte int8 ports carry 4-byte operands 4x wider";
  EXPECT_EQ(base["sram"]["ofmap"]["word_bytes"], cand["sram"]["ofmap"]["word_bytes"]);
  const auto& intbn = j["designs"][3]["hardware"];
  EXPECT_EQ(intbn["mac_array"]["datapath"], "int8");
  EXPECT_EQ(intbn["norm_unit"]["kind"], "int-bn");
  EXPECT_EQ(intbn["sram"]["ifmap"]["word_bytes"], cand["sram"]["ifmap"]["word_bytes"]);
  EXPECT_EQ(j["designs"][4]["hardware"], intbn);
  EXPECT_EQ(j["designs"][1]["hardware"]["name"], "my-int8-64x64");
  // stdout says how each design was derived, and no share runs away.
  for (const char* line : {"Designs:", "baseline (FP32-BN 64x64): derived from the candidate (my-int8-64x64): fp32 datapath",
                           "wageubn (int8-WAGEUBN BN 64x64): derived from the candidate (my-int8-64x64): int-bn normalization unit",
                           "candidate (int8-EOQ Fixup 64x64): as given", "iso-area ("})
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  EXPECT_LE(largest_percentage(r.out), 150.0) << r.out;
  EXPECT_NE(read_file(d.path / "out" / "compare.md").find("derived from the candidate (my-int8-64x64)"), std::string::npos);

  // Given only a baseline, the candidate and the integer-BN designs derive from it.
  const ToolRun b = run_qtsim("compare tests/accelerator/workloads/tiny-resnet-bn.json --baseline workloads/hw/fp32-bn-8x8.json "
                              "--ideal-memory --no-progress --out " + (d.path / "b").string());
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const auto jb = nlohmann::json::parse(read_file(d.path / "b" / "compare.json"));
  const nlohmann::json fp32 = preset("fp32-bn-8x8");
  const auto& derived = jb["designs"][1]["hardware"];
  EXPECT_EQ(derived["name"], "int8-fixup-from-fp32-bn-8x8");
  EXPECT_EQ(derived["mac_array"]["datapath"], "int8");
  EXPECT_EQ(derived["norm_unit"]["kind"], "fixup");
  EXPECT_EQ(derived["random_unit"]["lanes"], 8) << "one random-bit lane per array column";
  EXPECT_EQ(derived["sram"]["ifmap"]["word_bytes"], fp32["sram"]["ifmap"]["word_bytes"].get<int>() / 4);
  for (const char* buf : kBuffers)
    EXPECT_EQ(derived["sram"][buf]["capacity_kib"], fp32["sram"][buf]["capacity_kib"]) << buf;
  EXPECT_NE(b.out.find("candidate (int8-EOQ Fixup 8x8): derived from the baseline (fp32-bn-8x8)"), std::string::npos) << b.out;
}

// The docs' tiny-cnn (docs/WORKLOADS.md, no normalization): the stage ratios
// are n/a, with a one-line warning, never "0x".
TEST(CompareCommand, NetworkWithoutNormalizationHasNoStageRatios) {
  TempDir d;
  const std::string docs = read_file(fs::path(source_dir()) / "docs" / "WORKLOADS.md");
  const std::size_t begin = docs.find("```json\n{\n  \"name\": \"tiny-cnn\"");
  ASSERT_NE(begin, std::string::npos) << "the minimal example of docs/WORKLOADS.md";
  const std::size_t end = docs.find("```", begin + 7);
  std::ofstream(d.path / "tiny-cnn.json") << docs.substr(begin + 8, end - begin - 8);
  const ToolRun r = run_qtsim("compare " + (d.path / "tiny-cnn.json").string() + " --ideal-memory --no-progress --out " +
                              (d.path / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("warning: tiny-cnn has no layer to normalize (its batchnorm variant has no batchnorm layer): the "
                       "BN-versus-Fixup question does not arise"), std::string::npos) << r.out;
  std::size_t norm_rows = 0;
  for (std::size_t at = r.out.find("\ntraining (all phases)"); at != std::string::npos; at = r.out.find("\ntraining (all phases)", at + 1)) {
    const std::string row = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
    EXPECT_EQ(row.find("0x"), std::string::npos) << row;
    EXPECT_NE(row.find("n/a"), std::string::npos) << row;
    ++norm_rows;
  }
  EXPECT_GT(norm_rows, 0u) << r.out;
  const auto j = nlohmann::json::parse(read_file(d.path / "out" / "compare.json"));
  EXPECT_FALSE(j["has_normalization"].get<bool>());
  for (const char* scope : {"training", "inference", "inference-running"})
    EXPECT_TRUE(j["results"][1]["normalization_stage_ratios_to_baseline"][scope]["energy"].is_null()) << scope;
}

void expect_refused(const std::string& args, const std::string& message, const fs::path& out) {
  const ToolRun r = run_qtsim(args + " --no-progress --out " + out.string());
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
  EXPECT_FALSE(fs::exists(out)) << args << ": wrote " << out;
}

TEST(CompareCommand, MalformedInputsExit2AndWriteNothing) {
  TempDir d;
  const fs::path out = d.path / "out";
  expect_refused("compare workloads/no-such.json", "no-such.json", out);
  expect_refused("compare workloads/resnet20-cifar-bn.json --vary fp32.sqrt.energy_pj=80:20", "LOW <= HIGH", out);
  expect_refused("compare workloads/resnet20-cifar-bn.json --vary fp32.sqrtt.energy_pj=1:2", "fp32.sqrt", out);
  expect_refused("compare workloads/resnet20-cifar-bn.json --vary fp32.sqrt.energy_pj=-1:2", "fp32.sqrt.energy_pj", out);
  expect_refused("compare workloads/resnet20-cifar-bn.json --tech 3nm", "found \"3nm\" (did you mean '32nm'?)", out);
  expect_refused("compare workloads/resnet20-cifar-bn.json --low-leakage-factor lots", "--low-leakage-factor", out);
  expect_refused("compare workloads/resnet20-cifar-bn.json --candidate workloads/hw/fp32-bn-16x16.json",
                 "fp32-bn-16x16.json: expected hardware that can run", out);
  expect_refused("compare workloads/resnet20-cifar-bn.json --baseline workloads/hw/nope.json", "nope.json", out);
}

}  // namespace
}  // namespace qtsim::test
