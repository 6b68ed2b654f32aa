// Defaults: inserted for optional fields a document leaves out, so loaders
// can read every field with at().
#include "input_test_util.hpp"

namespace qtsim::input {
namespace {

using nlohmann::json;
using testing::problems;
using testing::validated;
using Lines = std::vector<std::string>;

constexpr const char* kTraining = R"({
  "type": "object",
  "required": ["batch_size"],
  "properties": {
    "batch_size": {"type": "integer", "minimum": 1, "default": 32},
    "epochs": {"type": "integer", "default": 1},
    "schedule": {"enum": ["constant", "cosine"], "default": "cosine"},
    "milestones": {"type": "array", "default": []},
    "seed": {"type": ["integer", "null"], "default": null},
    "lr": {"$ref": "#/$defs/lr"},
    "optimizer": {
      "type": "object",
      "properties": {"kind": {"enum": ["sgd", "adam"], "default": "sgd"}, "nesterov": {"type": "boolean", "default": false}},
      "default": {}
    },
    "note": {"type": "string"}
  },
  "$defs": {"lr": {"type": "number", "exclusiveMinimum": 0, "default": 0.1}}
})";

TEST(Defaults, AreInsertedForMissingOptionalFields) {
  EXPECT_EQ(validated(kTraining, R"({"batch_size": 8})"), json::parse(R"({
    "batch_size": 8, "epochs": 1, "schedule": "cosine", "milestones": [], "seed": null, "lr": 0.1,
    "optimizer": {"kind": "sgd", "nesterov": false}
  })"));
}

TEST(Defaults, NeverReplaceGivenValues) {
  const json document = validated(kTraining, R"({"batch_size": 8, "epochs": 3, "seed": 7, "optimizer": {"kind": "adam"}})");
  EXPECT_EQ(document.at("epochs"), 3);
  EXPECT_EQ(document.at("seed"), 7);
  EXPECT_EQ(document.at("optimizer"), json::parse(R"({"kind": "adam", "nesterov": false})"));
  EXPECT_FALSE(document.contains("note"));  // no default, stays absent
}

TEST(Defaults, RequiredFieldsAreReportedNotDefaulted) {
  json document = json::object();
  EXPECT_EQ(problems(json::parse(kTraining), document),
            Lines{"t.json: at /batch_size: expected field \"batch_size\", found nothing"});
  EXPECT_FALSE(document.contains("batch_size"));
}

TEST(Defaults, ApplyInsideArraysOfObjects) {
  const char* schema = R"({"type": "array", "items": {"properties": {"stride": {"default": 1}}}})";
  EXPECT_EQ(validated(schema, R"([{}, {"stride": 2}, {}])"), json::parse(R"([{"stride": 1}, {"stride": 2}, {"stride": 1}])"));
}

TEST(Defaults, AreFilledEvenWhenOtherFieldsHaveProblems) {
  json document = json::parse(R"({"batch_size": 0})");
  EXPECT_EQ(problems(json::parse(kTraining), document).size(), 1u);
  EXPECT_EQ(document.at("epochs"), 1);
}

}  // namespace
}  // namespace qtsim::input
