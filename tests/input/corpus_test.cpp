// Golden files: each tests/input/corpus/NAME.json is read and validated
// against schemas/test_workload.schema.json; NAME.expected holds the exact
// error text, or "valid" and the document with its defaults filled in.
// QTSIM_UPDATE_GOLDEN=1 rewrites the .expected files (review the diff!).
#include <cstdlib>
#include <filesystem>

#include "input_test_util.hpp"
#include "sim/input/validated_json_file.hpp"

namespace qtsim::input {
namespace {

using testing::kTestSourceDir;
using testing::read_file;

std::string outcome(const std::string& path, const nlohmann::json& schema) {
  std::string text;
  try {
    text = "valid\n" + read_validated_json_file(path, schema).dump(2) + "\n";
  } catch (const InputError& error) {
    text = std::string(error.what()) + "\n";
  }
  // Name files as a user in tests/input would, not by absolute path.
  const std::string prefix = kTestSourceDir + "/";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix)) text.erase(at, prefix.size());
  return text;
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kTestSourceDir + "/corpus")) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, MatchesGoldenOutcome) {
  const nlohmann::json schema = read_json_file(kTestSourceDir + "/schemas/test_workload.schema.json");
  const std::string base = kTestSourceDir + "/corpus/" + GetParam();
  const std::string actual = outcome(base + ".json", schema);
  if (std::getenv("QTSIM_UPDATE_GOLDEN")) testing::write_file(base + ".expected", actual);
  ASSERT_TRUE(std::filesystem::exists(base + ".expected")) << "no " << base << ".expected; actual:\n" << actual;
  EXPECT_EQ(actual, read_file(base + ".expected"));
}

INSTANTIATE_TEST_SUITE_P(Files, Corpus, ::testing::ValuesIn(corpus_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(CorpusCoverage, HasTheFilesTheBriefAsksFor) {
  const std::vector<std::string> names = corpus_files();
  for (const char* name : {"valid_full", "valid_minimal", "many_errors", "huge_numbers", "duplicate_key",
                           "trailing_comma", "truncated", "latin1", "deep_nesting", "empty", "number_overflow"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

}  // namespace
}  // namespace qtsim::input
