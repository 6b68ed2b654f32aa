// UTF-8 checks, positions and excerpts, value rendering, JSON pointers.
#include <gtest/gtest.h>

#include "sim/input/json_pointer_path.hpp"
#include "sim/input/text_position.hpp"
#include "sim/input/utf8.hpp"
#include "sim/input/value_text.hpp"

namespace qtsim::input {
namespace {

using nlohmann::json;

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_EQ(find_invalid_utf8(""), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("plain ascii"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), std::nullopt);  // é € 😀
  EXPECT_EQ(find_invalid_utf8("\xEF\xBB\xBF{}"), std::nullopt);                           // byte-order mark
  EXPECT_EQ(find_invalid_utf8(std::string_view("a\0b", 3)), std::nullopt);                // NUL is a character
}

TEST(Utf8, FindsTheFirstIllFormedByte) {
  EXPECT_EQ(find_invalid_utf8("caf\xE9"), 3u);                  // Latin-1 é
  EXPECT_EQ(find_invalid_utf8("ab\x80"), 2u);                   // stray continuation byte
  EXPECT_EQ(find_invalid_utf8("\xC3"), 0u);                     // truncated sequence
  EXPECT_EQ(find_invalid_utf8("\xC3("), 0u);                    // bad continuation
  EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0u);                 // overlong '/'
  EXPECT_EQ(find_invalid_utf8("\xE0\x80\xAF"), 0u);             // overlong, three bytes
  EXPECT_EQ(find_invalid_utf8("x\xED\xA0\x80"), 1u);            // UTF-16 surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);         // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xF5\x80\x80\x80"), 0u);         // never a lead byte
  EXPECT_EQ(find_invalid_utf8("ok \xF0\x9F\x98"), 3u);          // cut-off emoji at the end
}

TEST(Utf8, CountsAndCutsWholeCharacters) {
  EXPECT_EQ(count_code_points("caf\xC3\xA9"), 4u);
  EXPECT_EQ(truncate_utf8("abcdef", 10), "abcdef");
  EXPECT_EQ(truncate_utf8("abcdef", 3), "abc...");
  EXPECT_EQ(truncate_utf8("ab\xC3\xA9", 3), "ab...");  // never half of é
}

TEST(TextPosition, CountsLinesAndCharacterColumns) {
  const std::string text = "{\n  \"caf\xC3\xA9\": x\n}";
  EXPECT_EQ(describe_position(locate(text, 0)), "line 1, column 1");
  EXPECT_EQ(describe_position(locate(text, text.find('x'))), "line 2, column 11");
  EXPECT_EQ(describe_position(locate(text, text.size())), "line 3, column 2");
  EXPECT_EQ(describe_position(locate("\xEF\xBB\xBF{x", 4)), "line 1, column 2");  // the BOM is no column
}

TEST(TextPosition, ExcerptsTheLineAroundTheOffset) {
  EXPECT_EQ(line_excerpt("{\n    \"a\": 1 \"b\"\n}", 14), "\"a\": 1 \"b\"");
  EXPECT_EQ(line_excerpt("{\r\n\t\"a\":\x01 1\r\n}", 8), "\"a\":? 1");
  EXPECT_EQ(line_excerpt("[\n\n]", 2), "");
  const std::string long_line = "[" + std::string(100, '1') + "x" + std::string(100, '2') + "]";
  const std::string excerpt = line_excerpt(long_line, 101);
  EXPECT_EQ(excerpt, "..." + std::string(40, '1') + "x" + std::string(19, '2') + "...");
}

TEST(ValueText, SaysWhatKindOfValueWasFound) {
  EXPECT_EQ(describe_value(json("abc")), "\"abc\" (a string)");
  EXPECT_EQ(describe_value(json("")), "\"\" (an empty string)");
  EXPECT_EQ(describe_value(json(-3)), "-3 (an integer)");
  EXPECT_EQ(describe_value(json(3.5)), "3.5 (a number)");
  EXPECT_EQ(describe_value(json(true)), "true (a boolean)");
  EXPECT_EQ(describe_value(json(nullptr)), "null");
  EXPECT_EQ(describe_value(json::parse("[1,2,3]")), "[1,2,3] (an array of 3 items)");
  EXPECT_EQ(describe_value(json::parse("[7]")), "[7] (an array of 1 item)");
  EXPECT_EQ(describe_value(json::array()), "[] (an empty array)");
  EXPECT_EQ(describe_value(json::parse(R"({"a": [1, {"b": null}]})")), "{\"a\":[1,{\"b\":null}]} (an object)");
  EXPECT_EQ(describe_value(json::object()), "{} (an empty object)");
}

TEST(ValueText, CutsLongValuesToAboutSixtyCharacters) {
  const std::string shown = compact_value(json(std::string(200, 'a')));
  EXPECT_EQ(shown, "\"" + std::string(55, 'a') + "...\"");
  EXPECT_LE(shown.size(), kMaxShownValueBytes);
  json long_array = json::array();
  for (int i = 0; i < 100; ++i) long_array.push_back(i);
  EXPECT_EQ(compact_value(long_array), "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,...");
  EXPECT_EQ(compact_value(json("quote\" and \\ backslash")), "\"quote\\\" and \\\\ backslash\"");
  EXPECT_EQ(compact_value(json("bad \xFF utf8")), "\"bad \xEF\xBF\xBD utf8\"");  // replaced, never throws
}

TEST(JsonPointerPath, EscapesTildeAndSlash) {
  EXPECT_EQ(pointer_to_field("", "a"), "/a");
  EXPECT_EQ(pointer_to_field("/x", "a/b~c"), "/x/a~1b~0c");
  EXPECT_EQ(pointer_to_item("/layers", 3), "/layers/3");
}

}  // namespace
}  // namespace qtsim::input
