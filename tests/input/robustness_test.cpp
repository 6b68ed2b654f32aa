// No byte sequence may crash the reader or the validator: each input is either
// parsed or rejected with exactly one well-formed Diagnostic.
#include <filesystem>
#include <random>

#include "input_test_util.hpp"
#include "sim/input/json_file.hpp"
#include "sim/input/schema_validator.hpp"

namespace qtsim::input {
namespace {

using testing::kTestSourceDir;
using testing::read_file;

// Parses `text`; on failure checks the diagnostic is complete. Validates what
// parses against `schema`, which must not throw either.
void parse_and_validate_safely(const std::string& text, const nlohmann::json& schema) {
  nlohmann::json document;
  try {
    document = parse_json_text(text, "fuzz.json");
  } catch (const InputError& error) {
    ASSERT_EQ(error.diagnostics().size(), 1u);
    const Diagnostic& d = error.diagnostics().front();
    EXPECT_EQ(d.file, "fuzz.json");
    EXPECT_FALSE(d.expected.empty()) << error.what();
    EXPECT_FALSE(d.found.empty()) << error.what();
    return;
  }
  DiagnosticList problems("fuzz.json");
  validate(schema, document, problems);
  for (const Diagnostic& d : problems.items()) {
    EXPECT_FALSE(d.expected.empty()) << d.str();
    EXPECT_FALSE(d.found.empty()) << d.str();
  }
}

std::vector<std::string> corpus_texts() {
  std::vector<std::string> texts;
  for (const auto& entry : std::filesystem::directory_iterator(kTestSourceDir + "/corpus")) {
    if (entry.path().extension() == ".json") texts.push_back(read_file(entry.path().string()));
  }
  std::sort(texts.begin(), texts.end());
  return texts;
}

nlohmann::json test_schema() {
  return read_json_file(kTestSourceDir + "/schemas/test_workload.schema.json");
}

TEST(Robustness, RandomBytes) {
  const nlohmann::json schema = test_schema();
  std::mt19937 random(12345);
  for (int round = 0; round < 2000; ++round) {
    std::string text(random() % 64, '\0');
    for (char& c : text) c = static_cast<char>(random() & 0xFF);
    parse_and_validate_safely(text, schema);
  }
}

TEST(Robustness, RandomJsonAlphabet) {
  // Bytes JSON is made of, so the parser gets further than the first byte.
  const std::string alphabet = "{}[]:,\"\\ \n\t0123456789-+.eEtrufalsn/u'\x01\xC3\xA9";
  const nlohmann::json schema = test_schema();
  std::mt19937 random(54321);
  for (int round = 0; round < 3000; ++round) {
    std::string text(random() % 48, ' ');
    for (char& c : text) c = alphabet[random() % alphabet.size()];
    parse_and_validate_safely(text, schema);
  }
}

TEST(Robustness, MutatedCorpusFiles) {
  const std::vector<std::string> texts = corpus_texts();
  ASSERT_FALSE(texts.empty());
  const nlohmann::json schema = test_schema();
  std::mt19937 random(777);
  for (const std::string& original : texts) {
    for (int round = 0; round < 200; ++round) {
      std::string text = original;
      const int edits = 1 + static_cast<int>(random() % 4);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        const std::size_t at = random() % text.size();
        switch (random() % 4) {
          case 0: text[at] = static_cast<char>(random() & 0xFF); break;  // flip a byte
          case 1: text.erase(at, 1 + random() % 8); break;                 // drop some bytes
          case 2: text.insert(at, 1, "{}[]\",:0"[random() % 8]); break;     // add structure
          default: text.resize(at); break;                                 // truncate
        }
      }
      parse_and_validate_safely(text, schema);
    }
  }
}

TEST(Robustness, EveryPrefixOfAValidFile) {
  const std::string text = read_file(kTestSourceDir + "/corpus/valid_full.json");
  ASSERT_FALSE(text.empty());
  const nlohmann::json schema = test_schema();
  for (std::size_t length = 0; length <= text.size(); ++length) parse_and_validate_safely(text.substr(0, length), schema);
}

TEST(Robustness, LongStringsAgainstPatterns) {
  // std::regex recurses per character; long strings must not reach it.
  const nlohmann::json schema = nlohmann::json::parse(R"({"type": "string", "pattern": "^(a|b)*$"})");
  nlohmann::json value = std::string(1'000'000, 'a');
  DiagnosticList problems("t.json");
  validate(schema, value, problems);
  ASSERT_EQ(problems.items().size(), 1u);
  EXPECT_EQ(problems.items()[0].found,
            "\"" + std::string(55, 'a') + "...\" (a string of 1000000 characters, too long to match against a pattern)");
  nlohmann::json short_value = std::string(kMaxPatternSubjectBytes, 'a');
  DiagnosticList no_problems("t.json");
  validate(schema, short_value, no_problems);
  EXPECT_TRUE(no_problems.empty());
}

}  // namespace
}  // namespace qtsim::input
