#include "embedded_schemas.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>

#include "embedded_schema_texts.hpp"
#include "json_file.hpp"
#include "schema_check.hpp"

namespace qtsim::input {

namespace {

using SchemaMap = std::map<std::string, nlohmann::json, std::less<>>;

SchemaMap parse_all() {
  SchemaMap schemas;
  for (const EmbeddedSchemaText& entry : embedded_schema_texts()) {
    const std::string file = "workloads/schema/" + std::string(entry.name) + ".schema.json";
    nlohmann::json schema = parse_json_text(entry.text, file);
    check_schema(schema);
    schemas.emplace(entry.name, std::move(schema));
  }
  return schemas;
}

}  // namespace

const nlohmann::json& embedded_schema(std::string_view name) {
  static const SchemaMap schemas = parse_all();  // thread-safe one-time initialisation
  const auto it = schemas.find(name);
  if (it == schemas.end()) {
    std::string known;
    for (const auto& [schema_name, schema] : schemas) known += (known.empty() ? "" : ", ") + schema_name;
    throw std::out_of_range("no embedded schema named '" + std::string(name) + "' (embedded: " +
                            (known.empty() ? "none" : known) + ")");
  }
  return it->second;
}

std::vector<std::string> embedded_schema_names() {
  std::vector<std::string> names;
  for (const EmbeddedSchemaText& entry : embedded_schema_texts()) names.emplace_back(entry.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace qtsim::input
