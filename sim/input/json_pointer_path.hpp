#pragma once
// Building JSON pointers (RFC 6901) one step at a time, for diagnostics.
#include <cstddef>
#include <string>
#include <string_view>

namespace qtsim::input {

// `parent` + "/" + key, with '~' and '/' in the key escaped as "~0" and "~1".
std::string pointer_to_field(std::string_view parent, std::string_view key);

// `parent` + "/" + index.
std::string pointer_to_item(std::string_view parent, std::size_t index);

}  // namespace qtsim::input
