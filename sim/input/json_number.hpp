#pragma once
// Numbers in JSON documents arrive as int64, uint64 or double (nlohmann picks
// by what the text holds); these helpers treat them as one kind of value.
#include <nlohmann/json.hpp>

namespace qtsim::input {

// How a JSON number fits the schema type "integer", which the simulator reads
// as int64: 3 and 3.0 are whole, 3.5 is fractional, and integers beyond the
// int64 range (which nlohmann stores as uint64 or double) are out of range.
enum class Integrality { whole, fractional, out_of_range };
Integrality integrality(const nlohmann::json& number);

// <0, 0 or >0 as a is less than, equal to or greater than b; both must be
// numbers. Exact for any two integers, long double precision otherwise.
int compare_numbers(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace qtsim::input
