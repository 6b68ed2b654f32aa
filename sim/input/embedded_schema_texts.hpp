#pragma once
// The raw text of every workloads/schema/*.schema.json file, compiled in by
// embed_schemas.cmake. Use embedded_schemas.hpp; this is its data source.
#include <span>
#include <string_view>

namespace qtsim::input {

struct EmbeddedSchemaText {
  std::string_view name;  // file name without ".schema.json"
  std::string_view text;
};

// One entry per schema file; empty when there are none.
std::span<const EmbeddedSchemaText> embedded_schema_texts();

}  // namespace qtsim::input
