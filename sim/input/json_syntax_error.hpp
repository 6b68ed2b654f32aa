#pragma once
// Turns nlohmann's terse parse errors ("syntax error while parsing object -
// unexpected string literal; expected '}'") into a Diagnostic a person can act
// on: what was expected, what was found, line and column, an excerpt of the
// line, and a hint for the common mistakes (missing or trailing comma, single
// quotes, unquoted field names, Python literals, truncated files).
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "diagnostic.hpp"

namespace qtsim::input {

struct SyntaxErrorReport {
  std::string_view text;       // the whole document
  std::string file;            // for Diagnostic::file
  std::size_t position = 0;    // nlohmann's count of bytes read, the offending one included
  std::string last_token;      // nlohmann's last token string
  std::string open_container;  // innermost unclosed container, e.g. "the array at /layers", or ""
};

Diagnostic describe_syntax_error(const SyntaxErrorReport& report, const nlohmann::json::exception& error);

}  // namespace qtsim::input
