#include "json_syntax_error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <utility>

#include "did_you_mean.hpp"
#include "text_position.hpp"
#include "utf8.hpp"

namespace qtsim::input {

namespace {

constexpr std::size_t kMaxTokenBytes = 30;
constexpr std::string_view kAnyValue = "a value (an object, array, string, number, true, false or null)";

// The parts of nlohmann's "syntax error while parsing CONTEXT - ..." message.
struct ParserMessage {
  std::string context;      // "value", "object", "object key", "object separator", "array"
  std::string unexpected;   // a well-formed token out of place: "string literal", "'}'", "end of input"
  std::string lexer_error;  // a malformed token: "invalid literal", "invalid string: ..."
  std::string expected;     // token nlohmann expected, e.g. "end of input", or ""
};

ParserMessage parse_parser_message(std::string_view what, std::string_view last_token) {
  ParserMessage message;
  constexpr std::string_view kLead = "syntax error while parsing ";
  const std::size_t lead = what.find(kLead);
  if (lead == std::string_view::npos) return message;
  std::string_view rest = what.substr(lead + kLead.size());
  const std::size_t dash = rest.find(" - ");
  if (dash == std::string_view::npos) return message;
  message.context = rest.substr(0, dash);
  rest.remove_prefix(dash + 3);

  constexpr std::string_view kUnexpected = "unexpected ";
  constexpr std::string_view kExpected = "; expected ";
  if (rest.starts_with(kUnexpected)) {
    rest.remove_prefix(kUnexpected.size());
    const std::size_t semicolon = rest.find(kExpected);
    message.unexpected = rest.substr(0, semicolon);
    if (semicolon != std::string_view::npos) message.expected = rest.substr(semicolon + kExpected.size());
    return message;
  }
  // The lexer's own message may contain "; expected" too, so split at the
  // "; last read: '<token>'" that nlohmann puts after it.
  const std::string last_read = "; last read: '" + std::string(last_token) + "'";
  std::size_t split = rest.find(last_read);
  std::size_t after = split == std::string_view::npos ? split : split + last_read.size();
  if (split == std::string_view::npos) {
    split = rest.find("; last read: '");
    after = split;
  }
  message.lexer_error = rest.substr(0, split);
  if (after != std::string_view::npos) {
    const std::string_view tail = rest.substr(after);
    if (tail.starts_with(kExpected)) message.expected = tail.substr(kExpected.size());
  }
  return message;
}

bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '-' || c == '+' || c == '.' || u >= 0x80;
}

// "'x'", "a tab", "control character U+0001" or "the end of the file".
std::string describe_character(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return "the end of the file";
  const auto byte = static_cast<unsigned char>(text[offset]);
  if (byte == '\t') return "a tab";
  if (byte == '\'') return "a single quote";
  if (byte == '\n' || byte == '\r') return "a line break";
  if (byte < 0x20 || byte == 0x7F) {
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "control character U+%04X", byte);
    return buffer.data();
  }
  std::size_t end = offset + 1;
  while (end < text.size() && is_utf8_continuation(static_cast<unsigned char>(text[end]))) ++end;
  return "'" + std::string(text.substr(offset, end - offset)) + "'";
}

// The word-like run of bytes around `offset` (the malformed literal the lexer
// choked on, e.g. "nul" in "nul}"); empty if there is none.
std::pair<std::size_t, std::string_view> word_around(std::string_view text, std::size_t offset) {
  if (offset >= text.size() || !is_word_byte(text[offset])) {
    if (offset == 0 || offset > text.size() || !is_word_byte(text[offset - 1])) return {offset, {}};
    --offset;
  }
  std::size_t begin = offset, end = offset;
  while (begin > 0 && is_word_byte(text[begin - 1])) --begin;
  while (end < text.size() && is_word_byte(text[end])) ++end;
  return {begin, text.substr(begin, end - begin)};
}

char previous_non_space(std::string_view text, std::size_t offset) {
  while (offset > 0) {
    const char c = text[--offset];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return c;
  }
  return '\0';
}

std::string expected_in_context(const ParserMessage& message) {
  if (message.context == "object key") return "a field name in double quotes";
  if (message.context == "object separator") return "':' after the field name";
  if (message.context == "object") return "',' or '}' after the field's value";
  if (message.context == "array") return "',' or ']' after the item";
  if (message.expected == "end of input") return "the end of the file after the top-level value";
  return std::string(kAnyValue);
}

std::string hint_for_bad_word(std::string_view word, const std::string& context) {
  static const std::array<std::string_view, 7> kCapitalised = {"True", "False", "TRUE", "FALSE", "Null", "NULL", "Nil"};
  if (word == "None") return "JSON writes Python's None as null";
  if (std::find(kCapitalised.begin(), kCapitalised.end(), word) != kCapitalised.end()) {
    return "JSON literals are lowercase: true, false, null";
  }
  if (word == "NaN" || word == "nan" || word == "Infinity" || word == "inf" || word == "-Infinity") {
    return "JSON has no NaN or Infinity";
  }
  const std::string literal = did_you_mean(word, {"true", "false", "null"});
  if (!literal.empty() && context == "value") return "did you mean " + literal + "?";
  if (context == "object key") return "field names must be in double quotes: \"" + std::string(word) + "\"";
  if (context == "value" && !word.empty() && std::isalpha(static_cast<unsigned char>(word[0]))) {
    return "strings must be in double quotes: \"" + std::string(word) + "\"";
  }
  return {};
}

struct Finding {
  std::size_t offset = 0;  // where the problem starts in the text
  std::string expected;
  std::string found;       // without the location
  std::string hint;
};

Finding out_of_place_token(const SyntaxErrorReport& report, const ParserMessage& message) {
  const std::string_view text = report.text;
  Finding finding;
  finding.expected = expected_in_context(message);
  const std::string& token = message.unexpected;
  auto token_start = [&](std::size_t length) { return report.position >= length ? report.position - length : 0; };
  if (token == "end of input") {
    finding.offset = text.size();
    finding.found = "the end of the file";
    return finding;
  }
  if (token == "string literal" || token == "number literal") {
    finding.offset = token_start(report.last_token.size());
    finding.found = truncate_utf8(report.last_token, kMaxTokenBytes);
  } else if (token == "true literal" || token == "null literal" || token == "false literal") {
    const std::string literal = token.substr(0, token.find(' '));
    finding.offset = token_start(literal.size());
    finding.found = literal;
  } else {
    finding.offset = token_start(1);
    finding.found = token;  // already quoted by nlohmann: "'}'"
  }

  const bool closes = token == "'}'" || token == "']'";
  const bool starts_value = token != "':'" && token != "','" && !closes;
  if (closes && previous_non_space(text, finding.offset) == ',') {
    finding.hint = "JSON does not allow a comma before " + token;
  } else if (message.context == "object" && token == "']'") {
    finding.hint = "the object was opened with '{' but is closed with ']'";
  } else if (message.context == "array" && token == "'}'") {
    finding.hint = "the array was opened with '[' but is closed with '}'";
  } else if (token == "number literal" && finding.offset > 0 && text[finding.offset - 1] == '0') {
    finding.hint = "JSON numbers cannot have leading zeros";
  } else if ((message.context == "object" || message.context == "array") && starts_value) {
    finding.hint = "is a ',' missing before it?";
  } else if (message.expected == "end of input") {
    finding.hint = "a JSON file holds one value: is there an extra closing bracket, or a second value?";
  }
  return finding;
}

Finding malformed_token(const SyntaxErrorReport& report, const ParserMessage& message) {
  const std::string_view text = report.text;
  const std::string& error = message.lexer_error;
  const std::size_t at = std::min(report.position > 0 ? report.position - 1 : 0, text.size());
  Finding finding{at, expected_in_context(message), describe_character(text, at), {}};

  constexpr std::string_view kNumber = "invalid number; expected ";
  constexpr std::string_view kControl = "invalid string: control character ";
  constexpr std::string_view kEscapedTo = " must be escaped to ";
  if (error == "invalid literal") {
    const auto [begin, word] = word_around(text, at);
    if (!word.empty()) {
      finding.offset = begin;
      finding.found = "'" + truncate_utf8(word, kMaxTokenBytes) + "'";
    }
    if (finding.found == "a single quote") {
      finding.hint = "JSON strings use double quotes, not single quotes";
    } else if (finding.found == "'/'") {
      finding.hint = "JSON does not allow comments";
    } else {
      finding.hint = hint_for_bad_word(word, message.context);
    }
  } else if (error.starts_with(kNumber)) {
    std::string wanted = error.substr(kNumber.size());  // "digit after '.'"
    if (wanted.starts_with("digit")) wanted = "a " + wanted;
    finding.expected = wanted + " in a number";
  } else if (error.starts_with(kControl)) {
    const std::string detail = error.substr(kControl.size());
    const std::size_t split = detail.find(kEscapedTo);
    if (detail.starts_with("U+000A")) {
      finding.expected = "'\"' to close the string on the same line";
      finding.found = "a line break inside the string";
      finding.hint = "a string cannot span lines; write a line break as \\n";
    } else {
      finding.expected = "a string without raw control characters";
      finding.found = "control character " + detail.substr(0, split);
      if (split != std::string::npos) finding.hint = "write it as " + detail.substr(split + kEscapedTo.size());
    }
  } else if (error == "invalid string: missing closing quote" || (error.starts_with("invalid string") && at >= text.size())) {
    finding.offset = text.size();
    finding.expected = "'\"' to close the string";
    finding.found = "the end of the file";
  } else if (error == "invalid string: forbidden character after backslash" && at < text.size()) {
    finding.offset = at > 0 ? at - 1 : at;
    finding.expected = "an escape sequence: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX";
    std::size_t end = std::min(at + 1, text.size());
    while (end < text.size() && is_utf8_continuation(static_cast<unsigned char>(text[end]))) ++end;
    finding.found = "'" + std::string(text.substr(finding.offset, end - finding.offset)) + "'";
    finding.hint = "write a backslash itself as \\\\, as in \"C:\\\\data\"";
  } else if (error.find("must be followed by 4 hex digits") != std::string::npos) {
    finding.expected = "4 hexadecimal digits after \\u";
  } else if (error.find("surrogate") != std::string::npos) {
    finding.expected = "a valid \\u escape (a surrogate \\uD800-\\uDBFF followed by \\uDC00-\\uDFFF)";
    finding.found = "an unpaired surrogate";
  } else {
    finding.expected = "valid JSON";
    finding.found = error;
  }
  if (at >= text.size()) {  // the token was cut off by the end of the file
    finding.offset = text.size();
    finding.found = "the end of the file";
  }
  return finding;
}

Finding number_overflow(const SyntaxErrorReport& report) {
  const std::size_t length = report.last_token.size();
  return {report.position >= length ? report.position - length : 0,
          "a number of magnitude below about 1.8e308 (the range of a double)",
          truncate_utf8(report.last_token, kMaxTokenBytes), {}};
}

// What nlohmann said, without its "[json.exception.parse_error.101] parse
// error at line 1, column 2: " prefix; the last resort for unknown shapes.
std::string bare_message(std::string_view what) {
  const std::size_t colon = what.find(": ");
  if (what.starts_with("[json.exception.") && colon != std::string_view::npos) what.remove_prefix(colon + 2);
  return std::string(what);
}

}  // namespace

Diagnostic describe_syntax_error(const SyntaxErrorReport& report, const nlohmann::json::exception& error) {
  Finding finding;
  constexpr int kNumberOverflow = 406;
  if (error.id == kNumberOverflow) {
    finding = number_overflow(report);
  } else {
    const ParserMessage message = parse_parser_message(error.what(), report.last_token);
    if (!message.unexpected.empty()) {
      finding = out_of_place_token(report, message);
    } else if (!message.lexer_error.empty()) {
      finding = malformed_token(report, message);
    } else {
      finding = {std::min(report.position, report.text.size()), "valid JSON", bare_message(error.what()), {}};
    }
  }

  finding.offset = std::min(finding.offset, report.text.size());
  if (finding.offset >= report.text.size()) {
    finding.hint = "the file looks truncated";
    if (finding.expected == "'\"' to close the string") {
      finding.hint += ": a string is not closed";
    } else if (!report.open_container.empty()) {
      finding.hint += ": " + report.open_container + " is not closed";
    }
  }
  std::string found = finding.found + " at " + describe_position(locate(report.text, finding.offset));
  const std::string excerpt = line_excerpt(report.text, finding.offset);
  if (!excerpt.empty()) found += ", in `" + excerpt + "`";
  return Diagnostic{report.file, "", finding.expected, found, finding.hint};
}

}  // namespace qtsim::input
