// parse_json_text: syntax errors worded for people, duplicate fields, nesting,
// numbers nlohmann cannot hold.
#include "input_test_util.hpp"
#include "sim/input/json_file.hpp"

namespace qtsim::input {
namespace {

using testing::input_error_message;
using testing::parse_error;

TEST(ParseJsonText, ParsesValidText) {
  EXPECT_EQ(parse_json_text(R"({"a": [1, -2, 2.5e3, "x", true, false, null], "b": {}})", "t.json"),
            nlohmann::json::parse(R"({"a": [1, -2, 2.5e3, "x", true, false, null], "b": {}})"));
  EXPECT_EQ(parse_json_text("\xEF\xBB\xBF[1]", "t.json"), nlohmann::json::parse("[1]"));  // BOM skipped
  EXPECT_EQ(parse_json_text("\"\\u00e9\\ud83d\\ude00\"", "t.json"), nlohmann::json("\xC3\xA9\xF0\x9F\x98\x80"));
}

TEST(ParseJsonText, EmptyText) {
  EXPECT_EQ(parse_error(""), "t.json: expected a JSON value, found an empty file");
  EXPECT_EQ(parse_error("\xEF\xBB\xBF \n"), "t.json: expected a JSON value, found a file with only whitespace");
}

TEST(ParseJsonText, MissingComma) {
  EXPECT_EQ(parse_error("{\n  \"a\": 1\n  \"b\": 2\n}"),
            "t.json: expected ',' or '}' after the field's value, found \"b\" at line 3, column 3, in `\"b\": 2` "
            "(is a ',' missing before it?)");
  EXPECT_EQ(parse_error("[1 2]"),
            "t.json: expected ',' or ']' after the item, found 2 at line 1, column 4, in `[1 2]` "
            "(is a ',' missing before it?)");
}

TEST(ParseJsonText, TrailingComma) {
  EXPECT_EQ(parse_error(R"({"a": 1,})"),
            "t.json: expected a field name in double quotes, found '}' at line 1, column 9, in `{\"a\": 1,}` "
            "(JSON does not allow a comma before '}')");
  EXPECT_EQ(parse_error("[1, 2, ]"),
            "t.json: expected a value (an object, array, string, number, true, false or null), found ']' "
            "at line 1, column 8, in `[1, 2, ]` (JSON does not allow a comma before ']')");
}

TEST(ParseJsonText, TruncatedFile) {
  EXPECT_EQ(parse_error("{\n  \"layers\": [\n    {\"type\": \"conv\"},\n"),
            "t.json: expected a value (an object, array, string, number, true, false or null), found the end "
            "of the file at line 4, column 1 (the file looks truncated: the array at /layers is not closed)");
  EXPECT_EQ(parse_error("{\"a\": {\"b\": 1"),
            "t.json: expected ',' or '}' after the field's value, found the end of the file at line 1, "
            "column 14, in `{\"a\": {\"b\": 1` (the file looks truncated: the object at /a is not closed)");
  EXPECT_EQ(parse_error("{\"name\": \"res"),
            "t.json: expected '\"' to close the string, found the end of the file at line 1, column 14, in "
            "`{\"name\": \"res` (the file looks truncated: a string is not closed)");
  EXPECT_EQ(parse_error("[tru"), "t.json: expected a value (an object, array, string, number, true, false or null), "
                                 "found the end of the file at line 1, column 5, in `[tru` (the file looks "
                                 "truncated: the top-level array is not closed)");
}

TEST(ParseJsonText, CommonMistakesGetHints) {
  EXPECT_EQ(parse_error("{name: 1}"),
            "t.json: expected a field name in double quotes, found 'name' at line 1, column 2, in `{name: 1}` "
            "(field names must be in double quotes: \"name\")");
  EXPECT_EQ(parse_error("{'a': 1}"),
            "t.json: expected a field name in double quotes, found a single quote at line 1, column 2, in "
            "`{'a': 1}` (JSON strings use double quotes, not single quotes)");
  EXPECT_EQ(parse_error("[True]"),
            "t.json: expected a value (an object, array, string, number, true, false or null), found 'True' "
            "at line 1, column 2, in `[True]` (JSON literals are lowercase: true, false, null)");
  EXPECT_EQ(parse_error("{\"a\": None}"),
            "t.json: expected a value (an object, array, string, number, true, false or null), found 'None' "
            "at line 1, column 7, in `{\"a\": None}` (JSON writes Python's None as null)");
  EXPECT_EQ(parse_error("[nul]"),
            "t.json: expected a value (an object, array, string, number, true, false or null), found 'nul' "
            "at line 1, column 2, in `[nul]` (did you mean null?)");
  EXPECT_EQ(parse_error("{\"mode\": relu}"),
            "t.json: expected a value (an object, array, string, number, true, false or null), found 'relu' "
            "at line 1, column 10, in `{\"mode\": relu}` (strings must be in double quotes: \"relu\")");
  EXPECT_EQ(parse_error("[NaN]"),
            "t.json: expected a value (an object, array, string, number, true, false or null), found 'NaN' "
            "at line 1, column 2, in `[NaN]` (JSON has no NaN or Infinity)");
  EXPECT_EQ(parse_error("{\n  // comment\n}"),
            "t.json: expected a field name in double quotes, found '/' at line 2, column 3, in `// comment` "
            "(JSON does not allow comments)");
  EXPECT_EQ(parse_error("[01]"),
            "t.json: expected ',' or ']' after the item, found 1 at line 1, column 3, in `[01]` "
            "(JSON numbers cannot have leading zeros)");
}

TEST(ParseJsonText, MisplacedTokens) {
  EXPECT_EQ(parse_error("{\"a\" 1}"), "t.json: expected ':' after the field name, found 1 at line 1, column 6, in `{\"a\" 1}`");
  EXPECT_EQ(parse_error("{\"a\" = 1}"),
            "t.json: expected ':' after the field name, found '=' at line 1, column 6, in `{\"a\" = 1}`");
  EXPECT_EQ(parse_error("{\"a\": 1]"),
            "t.json: expected ',' or '}' after the field's value, found ']' at line 1, column 8, in `{\"a\": 1]` "
            "(the object was opened with '{' but is closed with ']')");
  EXPECT_EQ(parse_error("[1}"),
            "t.json: expected ',' or ']' after the item, found '}' at line 1, column 3, in `[1}` "
            "(the array was opened with '[' but is closed with '}')");
  EXPECT_EQ(parse_error("{\"a\": 1}}"),
            "t.json: expected the end of the file after the top-level value, found '}' at line 1, column 9, in "
            "`{\"a\": 1}}` (a JSON file holds one value: is there an extra closing bracket, or a second value?)");
}

TEST(ParseJsonText, BadStrings) {
  EXPECT_EQ(parse_error("{\"a\": \"two\nlines\"}"),
            "t.json: expected '\"' to close the string on the same line, found a line break inside the string at "
            "line 1, column 11, in `{\"a\": \"two` (a string cannot span lines; write a line break as \\n)");
  EXPECT_EQ(parse_error("[\"tab\there\"]"),
            "t.json: expected a string without raw control characters, found control character U+0009 (HT) at "
            "line 1, column 6, in `[\"tab here\"]` (write it as \\u0009 or \\t)");
  EXPECT_EQ(parse_error(R"({"path": "C:\data"})"),
            "t.json: expected an escape sequence: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX, found '\\d' at "
            "line 1, column 13, in `{\"path\": \"C:\\data\"}` (write a backslash itself as \\\\, as in "
            "\"C:\\\\data\")");
  EXPECT_EQ(parse_error(R"(["\u12x4"])"),
            "t.json: expected 4 hexadecimal digits after \\u, found 'x' at line 1, column 7, in `[\"\\u12x4\"]`");
  EXPECT_EQ(parse_error(R"(["\ud800"])"),
            "t.json: expected a valid \\u escape (a surrogate \\uD800-\\uDBFF followed by \\uDC00-\\uDFFF), found "
            "an unpaired surrogate at line 1, column 9, in `[\"\\ud800\"]`");
}

TEST(ParseJsonText, BadNumbers) {
  EXPECT_EQ(parse_error("[-]"), "t.json: expected a digit after '-' in a number, found ']' at line 1, column 3, in `[-]`");
  EXPECT_EQ(parse_error("[1.]"), "t.json: expected a digit after '.' in a number, found ']' at line 1, column 4, in `[1.]`");
  EXPECT_EQ(parse_error("[1e]"),
            "t.json: expected '+', '-', or digit after exponent in a number, found ']' at line 1, column 4, in `[1e]`");
}

TEST(ParseJsonText, NumberBeyondDoubleRange) {
  EXPECT_EQ(parse_error("{\"lr\": 1e999}"),
            "t.json: expected a number of magnitude below about 1.8e308 (the range of a double), found 1e999 at "
            "line 1, column 8, in `{\"lr\": 1e999}`");
  EXPECT_EQ(parse_error("[-1e400]"),
            "t.json: expected a number of magnitude below about 1.8e308 (the range of a double), found -1e400 at "
            "line 1, column 2, in `[-1e400]`");
}

TEST(ParseJsonText, HugeIntegersBecomeFloatsNotErrors) {
  // Out of int64/uint64 range: nlohmann keeps them as doubles; the validator
  // then reports them as out of range where an integer is expected.
  const nlohmann::json document = parse_json_text("[18446744073709551615, 18446744073709551616, -9223372036854775809]", "t.json");
  EXPECT_TRUE(document[0].is_number_unsigned());
  EXPECT_TRUE(document[1].is_number_float());
  EXPECT_TRUE(document[2].is_number_float());
}

TEST(ParseJsonText, DuplicateFieldsAreErrorsWithTheirPointer) {
  EXPECT_EQ(parse_error(R"({"batch_size": 32, "batch_size": 64})"),
            "t.json: at /batch_size: expected each field at most once in an object, found a second field "
            "\"batch_size\" (remove one of the two)");
  EXPECT_EQ(parse_error(R"({"layers": [{"type": "conv"}, {"a/b": 1, "k": {}, "a/b": 2}]})"),
            "t.json: at /layers/1/a~1b: expected each field at most once in an object, found a second field "
            "\"a/b\" (remove one of the two)");
  // The same name in different objects is fine.
  EXPECT_NO_THROW(parse_json_text(R"({"a": {"x": 1}, "b": {"x": 1}, "x": [{"x": 1}, {"x": 2}]})", "t.json"));
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(ParseJsonText, NestingUpToTheLimitIsFine) {
  EXPECT_NO_THROW(parse_json_text(nested_arrays(kMaxJsonDepth), "t.json"));
}

TEST(ParseJsonText, NestingBeyondTheLimitIsAnError) {
  std::string pointer;
  for (std::size_t i = 0; i < kMaxJsonDepth; ++i) pointer += "/0";
  EXPECT_EQ(parse_error(nested_arrays(kMaxJsonDepth + 1)),
            "t.json: at " + pointer + ": expected at most 64 levels of nested objects and arrays, found more than 64 levels");
  std::string objects;
  for (int i = 0; i < 100; ++i) objects += "{\"k\":";
  EXPECT_EQ(parse_error(objects + "1" + std::string(100, '}')).substr(0, 14), "t.json: at /k/");
  // Far deeper than any stack would survive if parsing recursed.
  EXPECT_NE(parse_error(nested_arrays(1'000'000)).find("at most 64 levels"), std::string::npos);
}

TEST(ParseJsonText, NonUtf8Bytes) {
  EXPECT_EQ(parse_error("[\"\xC3\x28\"]"),
            "t.json: expected text in UTF-8, found byte 0xC3 at line 1, column 3, byte offset 2 "
            "(save the file as UTF-8; it may be in Latin-1 or Windows-1252)");
  EXPECT_EQ(parse_error("[1]\n\xFF"),
            "t.json: expected text in UTF-8, found byte 0xFF at line 2, column 1, byte offset 4 "
            "(save the file as UTF-8; it may be in Latin-1 or Windows-1252)");
}

TEST(ParseJsonText, NulBytesAnywhere) {
  // nlohmann alone would take the NUL for the end of the input.
  EXPECT_EQ(parse_error(std::string("[1,\0]", 5)),
            "t.json: expected JSON text, found a NUL byte at line 1, column 4, byte offset 3 "
            "(is this a binary file, or text in UTF-16?)");
  EXPECT_EQ(parse_error(std::string("{\0\"\0a\0\"\0:\01\0}\0", 14)).substr(0, 60),
            "t.json: expected JSON text, found a NUL byte at line 1, colu");
}

TEST(ParseJsonText, ControlBytesOutsideStrings) {
  EXPECT_EQ(parse_error("[1,\x01]"),
            "t.json: expected a value (an object, array, string, number, true, false or null), found control "
            "character U+0001 at line 1, column 4, in `[1,?]`");
}

}  // namespace
}  // namespace qtsim::input
