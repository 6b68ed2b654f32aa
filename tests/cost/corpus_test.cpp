// Malformed technology tables: each tests/cost/corpus/NAME.json is loaded and
// NAME.expected holds the exact error text (file, JSON pointer, expected,
// found). QTSIM_UPDATE_GOLDEN=1 rewrites the .expected files (review the diff!).
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "cost_test_util.hpp"

namespace qtsim::cost {
namespace {

using testing::kTestDir;

std::string outcome(const std::string& path) {
  std::string text;
  try {
    const TechTable t = load_tech_table(path);
    text = "valid: " + t.name + "\n";
  } catch (const input::InputError& error) {
    text = std::string(error.what()) + "\n";
  }
  const std::string prefix = kTestDir + "/";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix)) text.erase(at, prefix.size());
  return text;
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kTestDir + "/corpus"))
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

class TechCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(TechCorpus, MatchesGoldenOutcome) {
  const std::string base = kTestDir + "/corpus/" + GetParam();
  const std::string actual = outcome(base + ".json");
  if (std::getenv("QTSIM_UPDATE_GOLDEN")) testing::write_file(base + ".expected", actual);
  ASSERT_TRUE(std::filesystem::exists(base + ".expected")) << "no " << base << ".expected; actual:\n" << actual;
  EXPECT_EQ(actual, testing::read_file(base + ".expected"));
}

INSTANTIATE_TEST_SUITE_P(Files, TechCorpus, ::testing::ValuesIn(corpus_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(TechCorpusCoverage, HasTheCasesTheIssueAsksFor) {
  const std::vector<std::string> names = corpus_files();
  for (const char* name : {"unknown_field", "missing_source", "negative_energy", "wrong_type", "bad_json",
                           "missing_base", "composition_cycle", "composition_unknown_part", "incomplete_base",
                           "derived_without_scale", "bad_base"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

}  // namespace
}  // namespace qtsim::cost
