// check_schema: mistakes in schemas are SchemaErrors for developers, found
// before any document is checked.
#include "input_test_util.hpp"
#include "sim/input/schema_check.hpp"

namespace qtsim::input {
namespace {

using nlohmann::json;

std::string schema_error(std::string_view schema_text) {
  try {
    check_schema(json::parse(schema_text));
  } catch (const SchemaError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a SchemaError for " << schema_text;
  return {};
}

TEST(CheckSchema, AcceptsEverySupportedKeyword) {
  EXPECT_NO_THROW(check_schema(read_json_file(testing::kTestSourceDir + "/schemas/test_workload.schema.json")));
  EXPECT_NO_THROW(check_schema(json(true)));
}

TEST(CheckSchema, RejectsUnknownKeywords) {
  EXPECT_EQ(schema_error(R"({"type": "object", "requried": ["a"]})"), "schema at /requried: unsupported keyword \"requried\"");
  EXPECT_EQ(schema_error(R"({"properties": {"a": {"format": "email"}}})"),
            "schema at /properties/a/format: unsupported keyword \"format\"");
}

TEST(CheckSchema, RejectsBadKeywordValues) {
  EXPECT_EQ(schema_error(R"({"type": "int"})"),
            "schema at /type: expected a type name (null, boolean, object, array, number, integer, string) or a list "
            "of them, found \"int\" (a string)");
  EXPECT_EQ(schema_error(R"({"minimum": "1"})"), "schema at /minimum: expected a number, found \"1\" (a string)");
  EXPECT_EQ(schema_error(R"({"maxItems": -1})"), "schema at /maxItems: expected a non-negative integer, found -1 (an integer)");
  EXPECT_EQ(schema_error(R"({"required": "a"})"), "schema at /required: expected an array of field names, found \"a\" (a string)");
  EXPECT_EQ(schema_error(R"({"enum": []})"), "schema at /enum: expected a non-empty array, found [] (an empty array)");
  EXPECT_EQ(schema_error(R"({"items": [{"type": "string"}]})"),
            "schema at /items: expected one schema (the tuple form of items is not supported), found "
            "[{\"type\":\"string\"}] (an array of 1 item)");
  EXPECT_EQ(schema_error(R"({"oneOf": [1]})"), "schema at /oneOf/0: expected a schema (an object or true/false), found 1 (an integer)");
  EXPECT_EQ(schema_error("3"), "schema at the top level: expected a schema (an object or true/false), found 3 (an integer)");
}

TEST(CheckSchema, RejectsBadPatterns) {
  EXPECT_EQ(schema_error(R"({"pattern": "[a-"})").substr(0, 62), "schema at /pattern: pattern \"[a-\" is not a valid regular expre");
}

TEST(CheckSchema, RejectsRefsThatDoNotResolve) {
  EXPECT_EQ(schema_error(R"({"$ref": "#/$defs/missing"})"),
            "schema at /$ref: $ref \"#/$defs/missing\" points to nothing in the schema");
  EXPECT_EQ(schema_error(R"({"$ref": "other.json#/x"})"),
            "schema at /$ref: $ref \"other.json#/x\": only local references (\"#/$defs/NAME\") are supported");
}

TEST(CheckSchema, RejectsDefaultsThatBreakTheirOwnSchema) {
  EXPECT_EQ(schema_error(R"({"properties": {"epochs": {"type": "integer", "minimum": 1, "default": 0}}})"),
            "schema at /properties/epochs/default: the default does not satisfy its schema: expected an integer >= 1, "
            "found 0 (an integer)");
}

TEST(CheckSchema, RefCyclesAreCaughtNotInfinite) {
  const json schema = json::parse(R"({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"})");
  json value = 1;
  DiagnosticList out("t.json");
  EXPECT_THROW(validate(schema, value, out), SchemaError);
  const json union_loop = json::parse(R"({"$defs": {"a": {"anyOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"})");
  EXPECT_THROW(validate(union_loop, value, out), SchemaError);
}

TEST(CheckSchema, ValidateChecksTheSchemaFirst) {
  json value = 1;
  DiagnosticList out("t.json");
  EXPECT_THROW(validate(json::parse(R"({"typo": 1})"), value, out), SchemaError);
}

}  // namespace
}  // namespace qtsim::input
