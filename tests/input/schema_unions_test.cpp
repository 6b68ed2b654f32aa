// oneOf / anyOf: unions told apart by "type", and the rest.
#include "input_test_util.hpp"

namespace qtsim::input {
namespace {

using testing::problem;
using testing::problems;
using testing::validated;
using Lines = std::vector<std::string>;

// Layers: conv via $ref, linear inline, pool with its "type" const behind a $ref.
constexpr const char* kLayerSchema = R"({
  "type": "array",
  "items": {"oneOf": [
    {"$ref": "#/$defs/conv"},
    {"type": "object", "additionalProperties": false, "required": ["type", "out_features"],
     "properties": {"type": {"const": "linear"}, "out_features": {"type": "integer", "minimum": 1},
                    "bias": {"type": "boolean", "default": true}}},
    {"type": "object", "required": ["type"], "properties": {"type": {"$ref": "#/$defs/pool"}, "kernel": {"type": "integer"}}}
  ]},
  "$defs": {
    "conv": {"type": "object", "additionalProperties": false, "required": ["type", "kernel"],
             "properties": {"type": {"const": "conv"}, "kernel": {"type": "integer", "minimum": 1}}},
    "pool": {"const": "pool"}
  }
})";

TEST(UnionByType, ChecksOnlyTheAlternativeNamedByType) {
  EXPECT_EQ(problems(kLayerSchema, R"([{"type": "conv", "kernel": 0}, {"type": "linear"}, {"type": "pool", "kernel": "2"}])"),
            (Lines{"t.json: at /0/kernel: expected an integer >= 1, found 0 (an integer)",
                   "t.json: at /1/out_features: expected field \"out_features\", found nothing",
                   "t.json: at /2/kernel: expected an integer, found \"2\" (a string)"}));
}

TEST(UnionByType, UnknownTypeSuggestsTheClosest) {
  EXPECT_EQ(problem(kLayerSchema, R"([{"type": "lienar", "out_features": 10}])"),
            "t.json: at /0/type: expected type one of conv, linear, pool, found \"lienar\" (a string) (did you mean 'linear'?)");
  EXPECT_EQ(problem(kLayerSchema, R"([{"type": "dropout"}])"),
            "t.json: at /0/type: expected type one of conv, linear, pool, found \"dropout\" (a string)");
  EXPECT_EQ(problem(kLayerSchema, R"([{"type": 3}])"), "t.json: at /0/type: expected type one of conv, linear, pool, found 3 (an integer)");
}

TEST(UnionByType, MissingTypeOrNotAnObject) {
  EXPECT_EQ(problem(kLayerSchema, R"([{"kernel": 3}])"),
            "t.json: at /0/type: expected field \"type\" (one of conv, linear, pool), found nothing");
  EXPECT_EQ(problem(kLayerSchema, R"([{"Type": "conv", "kernel": 3}])"),
            "t.json: at /0/type: expected field \"type\" (one of conv, linear, pool), found nothing "
            "(is 'Type' meant to be 'type'?)");
  EXPECT_EQ(problem(kLayerSchema, R"(["relu"])"),
            "t.json: at /0: expected an object with \"type\" one of conv, linear, pool, found \"relu\" (a string)");
}

TEST(UnionByType, FillsTheDefaultsOfTheChosenAlternative) {
  EXPECT_EQ(validated(kLayerSchema, R"([{"type": "linear", "out_features": 10}])"),
            nlohmann::json::parse(R"([{"type": "linear", "out_features": 10, "bias": true}])"));
}

TEST(UnionByType, AnyOfWorksTheSameWay) {
  const char* schema = R"({"anyOf": [
    {"properties": {"type": {"const": "a"}, "x": {"type": "integer"}}},
    {"properties": {"type": {"const": "b"}, "y": {"type": "integer"}}}
  ]})";
  EXPECT_EQ(problem(schema, R"({"type": "b", "y": "1"})"), "t.json: at /y: expected an integer, found \"1\" (a string)");
  EXPECT_EQ(problem(schema, R"({"type": "c"})"), "t.json: at /type: expected type one of a, b, found \"c\" (a string)");
}

constexpr const char* kThreads = R"({"oneOf": [{"type": "integer", "minimum": 1}, {"const": "auto"}]})";

TEST(OtherUnions, AValueMatchingOneAlternativePasses) {
  EXPECT_EQ(problems(kThreads, "4"), Lines{});
  EXPECT_EQ(problems(kThreads, R"("auto")"), Lines{});
}

TEST(OtherUnions, ReportsTheOnlyAlternativeOfTheRightKind) {
  EXPECT_EQ(problem(kThreads, "0"), "t.json: expected an integer >= 1, found 0 (an integer)");
  EXPECT_EQ(problem(kThreads, R"("automatic")"), "t.json: expected \"auto\", found \"automatic\" (a string)");
}

TEST(OtherUnions, SummarisesWhenNoAlternativeIsTheRightKind) {
  EXPECT_EQ(problem(kThreads, "true"), "t.json: expected an integer >= 1 or \"auto\", found true (a boolean)");
  EXPECT_EQ(problem(R"({"anyOf": [{"type": "string"}, {"type": "array"}, {"type": "null"}]})", "1"),
            "t.json: expected a string, an array or null, found 1 (an integer)");
}

TEST(OtherUnions, ReportsTheAlternativeWithFewestErrors) {
  const char* schema = R"({"oneOf": [
    {"type": "object", "required": ["a", "b", "c"]},
    {"type": "object", "required": ["path"], "properties": {"path": {"type": "string"}, "limit": {"type": "integer"}}}
  ]})";
  EXPECT_EQ(problem(schema, R"({"a": 1, "b": 2, "limit": "x"})"), "t.json: at /c: expected field \"c\", found nothing");
  EXPECT_EQ(problem(schema, R"({"path": 1})"), "t.json: at /path: expected a string, found 1 (an integer)");
}

TEST(OtherUnions, SummarisesATie) {
  const char* schema = R"({"oneOf": [
    {"type": "object", "required": ["a"]},
    {"type": "object", "required": ["b"]}
  ]})";
  EXPECT_EQ(problem(schema, "{}"),
            "t.json: expected an object with field \"a\" or an object with field \"b\", found {} (an empty object)");
}

TEST(OtherUnions, OneOfRejectsAValueMatchingSeveral) {
  EXPECT_EQ(problem(R"({"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]})", "3"),
            "t.json: expected exactly one of: an integer or a number >= 0, found 3 (an integer), which matches 2 of them");
  EXPECT_EQ(problems(R"({"anyOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]})", "3"), Lines{});
}

TEST(OtherUnions, DefaultsOfAFailedAlternativeDoNotLeak) {
  const char* schema = R"({"anyOf": [
    {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}, "from_first": {"default": 1}}},
    {"type": "object", "properties": {"b": {"type": "string"}, "from_second": {"default": 2}}}
  ]})";
  EXPECT_EQ(validated(schema, R"({"b": "x"})"), nlohmann::json::parse(R"({"b": "x", "from_second": 2})"));
}

}  // namespace
}  // namespace qtsim::input
