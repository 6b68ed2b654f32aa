// One keyword at a time: what passes, what fails, and the exact message.
#include "input_test_util.hpp"

namespace qtsim::input {
namespace {

using testing::problem;
using testing::problems;
using testing::validated;
using Lines = std::vector<std::string>;

TEST(SchemaType, EachTypeName) {
  EXPECT_EQ(problem(R"({"type": "string"})", "3"), "t.json: expected a string, found 3 (an integer)");
  EXPECT_EQ(problem(R"({"type": "number"})", R"("3")"), "t.json: expected a number, found \"3\" (a string)");
  EXPECT_EQ(problem(R"({"type": "integer"})", "true"), "t.json: expected an integer, found true (a boolean)");
  EXPECT_EQ(problem(R"({"type": "boolean"})", "0"), "t.json: expected true or false, found 0 (an integer)");
  EXPECT_EQ(problem(R"({"type": "null"})", "{}"), "t.json: expected null, found {} (an empty object)");
  EXPECT_EQ(problem(R"({"type": "object"})", "[1]"), "t.json: expected an object, found [1] (an array of 1 item)");
  EXPECT_EQ(problem(R"({"type": "array"})", "null"), "t.json: expected an array, found null");
  for (const char* ok : {"\"s\"", "1", "1.5", "true", "null", "{}", "[]"}) {
    EXPECT_EQ(problems(R"({"type": ["string", "number", "boolean", "null", "object", "array"]})", ok), Lines{}) << ok;
  }
}

TEST(SchemaType, ListOfTypes) {
  EXPECT_EQ(problem(R"({"type": ["integer", "null"], "minimum": 1})", R"("x")"),
            "t.json: expected an integer >= 1 or null, found \"x\" (a string)");
  EXPECT_EQ(problem(R"({"type": ["integer", "null"], "minimum": 1})", "0"),
            "t.json: expected an integer >= 1 or null, found 0 (an integer)");
  EXPECT_EQ(problems(R"({"type": ["integer", "null"], "minimum": 1})", "null"), Lines{});
}

TEST(SchemaType, IntegerMeansWholeNumbersThatFitInt64) {
  EXPECT_EQ(validated(R"({"type": "integer"})", "3.0"), nlohmann::json(3));
  EXPECT_TRUE(validated(R"({"type": "integer"})", "3.0").is_number_integer());  // stored as an integer
  EXPECT_TRUE(validated(R"({"type": ["integer", "number"]})", "3.0").is_number_float());
  EXPECT_EQ(validated(R"({"type": "integer"})", "-9223372036854775808"), nlohmann::json(INT64_MIN));
  EXPECT_EQ(validated(R"({"type": "integer"})", "9223372036854775807"), nlohmann::json(INT64_MAX));
  EXPECT_EQ(problem(R"({"type": "integer"})", "3.5"), "t.json: expected an integer, found 3.5 (not a whole number)");
  EXPECT_EQ(problem(R"({"type": "integer", "minimum": 1})", "1e20"),
            "t.json: expected an integer >= 1, found 1e+20 (outside the 64-bit integer range)");
  EXPECT_EQ(problem(R"({"type": "integer"})", "9223372036854775808"),
            "t.json: expected an integer, found 9223372036854775808 (outside the 64-bit integer range)");
  EXPECT_EQ(problem(R"({"type": "integer"})", "-9223372036854775809"),
            "t.json: expected an integer, found -9.223372036854776e+18 (outside the 64-bit integer range)");
  EXPECT_EQ(problems(R"({"type": "number"})", "1e300"), Lines{});
}

TEST(SchemaNumbers, InclusiveBounds) {
  const char* schema = R"({"type": "integer", "minimum": 1})";
  EXPECT_EQ(problems(schema, "1"), Lines{});
  EXPECT_EQ(problem(schema, "-3"), "t.json: expected an integer >= 1, found -3 (an integer)");
  EXPECT_EQ(problem(R"({"type": "number", "maximum": 2.5})", "2.75"), "t.json: expected a number <= 2.5, found 2.75 (a number)");
  EXPECT_EQ(problem(R"({"type": "number", "minimum": 0, "maximum": 1})", "1.5"),
            "t.json: expected a number in [0, 1], found 1.5 (a number)");
  EXPECT_EQ(problems(R"({"type": "number", "minimum": 0, "maximum": 1})", "1"), Lines{});
}

TEST(SchemaNumbers, ExclusiveBounds) {
  EXPECT_EQ(problem(R"({"type": "number", "exclusiveMinimum": 0, "maximum": 1})", "0"),
            "t.json: expected a number in (0, 1], found 0 (an integer)");
  EXPECT_EQ(problem(R"({"type": "number", "minimum": 0, "exclusiveMaximum": 1})", "1.0"),
            "t.json: expected a number in [0, 1), found 1.0 (a number)");
  EXPECT_EQ(problem(R"({"type": "number", "exclusiveMinimum": 0})", "-0.5"), "t.json: expected a number > 0, found -0.5 (a number)");
  EXPECT_EQ(problem(R"({"type": "number", "exclusiveMaximum": 10})", "10"), "t.json: expected a number < 10, found 10 (an integer)");
  EXPECT_EQ(problems(R"({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1})", "0.999"), Lines{});
}

TEST(SchemaNumbers, ComparesLargeIntegersExactly) {
  // 2^63 - 1 and 2^63 are one apart; as doubles they would be equal.
  EXPECT_EQ(problems(R"({"type": "number", "maximum": 9223372036854775807})", "9223372036854775807"), Lines{});
  EXPECT_EQ(problem(R"({"type": "number", "maximum": 9223372036854775807})", "9223372036854775808"),
            "t.json: expected a number <= 9223372036854775807, found 9223372036854775808 (an integer)");
  EXPECT_EQ(problem(R"({"type": "integer", "minimum": 0})", "-1"), "t.json: expected an integer >= 0, found -1 (an integer)");
}

TEST(SchemaStrings, LengthInCharacters) {
  EXPECT_EQ(problem(R"({"type": "string", "minLength": 1})", R"("")"),
            "t.json: expected a non-empty string, found \"\" (a string of 0 characters)");
  EXPECT_EQ(problem(R"({"type": "string", "maxLength": 3})", R"("abcd")"),
            "t.json: expected a string of at most 3 characters, found \"abcd\" (a string of 4 characters)");
  EXPECT_EQ(problem(R"({"type": "string", "minLength": 2, "maxLength": 4})", R"("a")"),
            "t.json: expected a string of 2 to 4 characters, found \"a\" (a string of 1 character)");
  EXPECT_EQ(problem(R"({"type": "string", "minLength": 3, "maxLength": 3})", R"("ab")"),
            "t.json: expected a string of exactly 3 characters, found \"ab\" (a string of 2 characters)");
  EXPECT_EQ(problem(R"({"type": "string", "minLength": 3})", R"("ab")"),
            "t.json: expected a string of at least 3 characters, found \"ab\" (a string of 2 characters)");
  EXPECT_EQ(problems(R"({"type": "string", "maxLength": 4})", "\"caf\xC3\xA9\""), Lines{});  // 4 characters, 5 bytes
}

TEST(SchemaStrings, PatternIsSearchedNotAnchored) {
  EXPECT_EQ(problem(R"({"type": "string", "pattern": "^[a-z]"})", R"("Abc")"),
            "t.json: expected a string matching ^[a-z], found \"Abc\" (a string)");
  EXPECT_EQ(problems(R"({"type": "string", "pattern": "[0-9]"})", R"("layer3")"), Lines{});
  EXPECT_EQ(problem(R"({"type": "string", "maxLength": 8, "pattern": "^[a-z]+$"})", R"("ab-c")"),
            "t.json: expected a string of at most 8 characters matching ^[a-z]+$, found \"ab-c\" (a string)");
}

TEST(SchemaEnumConst, Enum) {
  const char* schema = R"({"enum": ["os", "ws", "is"]})";
  EXPECT_EQ(problems(schema, R"("ws")"), Lines{});
  EXPECT_EQ(problem(schema, R"("wss")"),
            "t.json: expected one of \"os\", \"ws\", \"is\", found \"wss\" (a string) (did you mean 'ws'?)");
  EXPECT_EQ(problem(schema, R"("output")"), "t.json: expected one of \"os\", \"ws\", \"is\", found \"output\" (a string)");
  EXPECT_EQ(problem(schema, "1"), "t.json: expected one of \"os\", \"ws\", \"is\", found 1 (an integer)");
  EXPECT_EQ(problem(R"({"enum": [1, 2, 4, null]})", "3"), "t.json: expected one of 1, 2, 4, null, found 3 (an integer)");
  EXPECT_EQ(problems(R"({"enum": [1, 2, 4]})", "4.0"), Lines{});  // JSON Schema: 4.0 equals 4
}

TEST(SchemaEnumConst, Const) {
  EXPECT_EQ(problems(R"({"const": {"a": [1, 2]}})", R"({"a": [1, 2]})"), Lines{});
  EXPECT_EQ(problem(R"({"const": 1})", "2"), "t.json: expected 1, found 2 (an integer)");
  EXPECT_EQ(problem(R"({"const": "conv"})", R"("Conv")"), "t.json: expected \"conv\", found \"Conv\" (a string) (did you mean 'conv'?)");
}

TEST(SchemaArrays, ItemCounts) {
  EXPECT_EQ(problem(R"({"type": "array", "maxItems": 4})", "[1,2,3,4,5]"),
            "t.json: expected an array of at most 4 items, found [1,2,3,4,5] (an array of 5 items)");
  EXPECT_EQ(problem(R"({"type": "array", "minItems": 1})", "[]"), "t.json: expected a non-empty array, found [] (an empty array)");
  EXPECT_EQ(problem(R"({"type": "array", "minItems": 2})", "[1]"),
            "t.json: expected an array of at least 2 items, found [1] (an array of 1 item)");
  EXPECT_EQ(problem(R"({"type": "array", "minItems": 2, "maxItems": 2})", "[1,2,3]"),
            "t.json: expected an array of exactly 2 items, found [1,2,3] (an array of 3 items)");
  EXPECT_EQ(problem(R"({"type": "array", "minItems": 1, "maxItems": 3})", "[]"),
            "t.json: expected an array of 1 to 3 items, found [] (an empty array)");
}

TEST(SchemaArrays, ItemsAreEachChecked) {
  EXPECT_EQ(problems(R"({"type": "array", "items": {"type": "integer", "minimum": 0}})", R"([0, -1, "x", 2, -5])"),
            (Lines{"t.json: at /1: expected an integer >= 0, found -1 (an integer)",
                   "t.json: at /2: expected an integer >= 0, found \"x\" (a string)",
                   "t.json: at /4: expected an integer >= 0, found -5 (an integer)"}));
}

TEST(SchemaObjects, RequiredFieldsWithAndWithoutDescription) {
  const char* schema = R"({
    "type": "object",
    "required": ["batch_size", "name"],
    "properties": {"batch_size": {"type": "integer", "description": "samples per step"}, "name": {"type": "string"}}
  })";
  EXPECT_EQ(problems(schema, "{}"), (Lines{"t.json: at /batch_size: expected field \"batch_size\" (samples per step), found nothing",
                                           "t.json: at /name: expected field \"name\", found nothing"}));
  EXPECT_EQ(problem(R"({"properties": {"training": {"required": ["lr"]}}})", R"({"training": {}})"),
            "t.json: at /training/lr: expected field \"lr\", found nothing");
}

TEST(SchemaObjects, UnknownFieldsWhenAdditionalPropertiesIsFalse) {
  const char* schema = R"({
    "type": "object",
    "additionalProperties": false,
    "properties": {"batch_size": {"type": "integer"}, "epochs": {"type": "integer"}, "lr": {"type": "number"}}
  })";
  EXPECT_EQ(problem(schema, R"({"batchsize": 32})"),
            "t.json: at /batchsize: expected one of the fields: batch_size, epochs, lr, found unknown field "
            "\"batchsize\" (did you mean 'batch_size'?)");
  EXPECT_EQ(problem(schema, R"({"colour": "red"})"),
            "t.json: at /colour: expected one of the fields: batch_size, epochs, lr, found unknown field \"colour\"");
  EXPECT_EQ(problem(R"({"additionalProperties": false})", R"({"x": 1})"),
            "t.json: at /x: expected no fields here, found unknown field \"x\"");
}

TEST(SchemaObjects, AMisspeltRequiredFieldIsReportedOnce) {
  const char* schema = R"({"required": ["batch_size"], "additionalProperties": false, "properties": {"batch_size": {}}})";
  EXPECT_EQ(problem(schema, R"({"batchsize": 32})"),
            "t.json: at /batchsize: expected one of the fields: batch_size, found unknown field \"batchsize\" "
            "(did you mean 'batch_size'?)");
}

TEST(SchemaObjects, AdditionalPropertiesAsASchema) {
  const char* schema = R"({"properties": {"name": {"type": "string"}}, "additionalProperties": {"type": "integer", "minimum": 1}})";
  EXPECT_EQ(problems(schema, R"({"name": "x", "pe_rows": 16})"), Lines{});
  EXPECT_EQ(problem(schema, R"({"name": "x", "pe_rows": 0})"), "t.json: at /pe_rows: expected an integer >= 1, found 0 (an integer)");
}

TEST(SchemaObjects, FieldNamesAreEscapedInPointers) {
  EXPECT_EQ(problem(R"({"additionalProperties": {"type": "string"}})", R"({"a/b~c": 1})"),
            "t.json: at /a~1b~0c: expected a string, found 1 (an integer)");
}

TEST(SchemaRefs, LocalDefinitions) {
  const char* schema = R"({
    "$defs": {"positive": {"type": "integer", "minimum": 1}, "alias": {"$ref": "#/$defs/positive"}},
    "properties": {"a": {"$ref": "#/$defs/positive"}, "b": {"$ref": "#/$defs/alias"}}
  })";
  EXPECT_EQ(problems(schema, R"({"a": 0, "b": 0})"), (Lines{"t.json: at /a: expected an integer >= 1, found 0 (an integer)",
                                                           "t.json: at /b: expected an integer >= 1, found 0 (an integer)"}));
}

TEST(SchemaRefs, RecursiveSchemasFollowTheDocument) {
  const char* schema = R"({
    "type": "object", "additionalProperties": false,
    "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#"}}}
  })";
  EXPECT_EQ(problem(schema, R"({"value": 1, "children": [{"value": 2, "children": [{"value": "x"}]}]})"),
            "t.json: at /children/0/children/0/value: expected an integer, found \"x\" (a string)");
}

TEST(SchemaAnnotations, AreIgnored) {
  EXPECT_EQ(problems(R"({"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x", "$comment": "c",
                         "title": "t", "description": "d", "examples": [1], "type": "integer"})",
                     "5"),
            Lines{});
}

TEST(SchemaBooleans, TrueAndFalseSchemas) {
  EXPECT_EQ(problems("true", R"({"anything": [1]})"), Lines{});
  EXPECT_EQ(problem(R"({"properties": {"legacy": false}})", R"({"legacy": 1})"),
            "t.json: at /legacy: expected no value here, found 1 (an integer)");
}

TEST(SchemaValidation, CollectsEveryProblemNotJustTheFirst) {
  const char* schema = R"({
    "type": "object", "additionalProperties": false, "required": ["a", "b"],
    "properties": {"a": {"type": "integer"}, "b": {"type": "string"}, "c": {"type": "array", "items": {"type": "boolean"}}}
  })";
  EXPECT_EQ(problems(schema, R"({"a": "1", "c": [true, 0, null], "d": 1})"),
            (Lines{"t.json: at /a: expected an integer, found \"1\" (a string)",
                   "t.json: at /c/1: expected true or false, found 0 (an integer)",
                   "t.json: at /c/2: expected true or false, found null",
                   "t.json: at /d: expected one of the fields: a, b, c, found unknown field \"d\"",
                   "t.json: at /b: expected field \"b\", found nothing"}));
}

TEST(SchemaValidation, OneProblemPerValue) {
  // A string that is too short and fails the pattern is one mistake to fix.
  EXPECT_EQ(problems(R"({"type": "string", "minLength": 3, "pattern": "^x"})", R"("a")").size(), 1u);
  // A wrong type is not also reported as out of bounds.
  EXPECT_EQ(problems(R"({"type": "integer", "minimum": 1, "enum": [2]})", R"("a")").size(), 1u);
}

}  // namespace
}  // namespace qtsim::input
