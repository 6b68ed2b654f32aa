#include "schema_check.hpp"

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "diagnostic.hpp"
#include "json_pointer_path.hpp"
#include "schema_refs.hpp"
#include "schema_validator.hpp"
#include "value_text.hpp"

namespace qtsim::input {

namespace {

using nlohmann::json;

const std::set<std::string, std::less<>> kTypeNames = {"null", "boolean", "object", "array",
                                                      "number", "integer", "string"};
const std::set<std::string, std::less<>> kAnnotations = {"title", "description", "examples",
                                                        "$schema", "$id", "$comment", "default"};

class SchemaChecker {
 public:
  explicit SchemaChecker(const json& root) : root_(root) {}

  void check(const json& schema, const std::string& at) {
    if (schema.is_boolean()) return;
    if (!schema.is_object()) fail(at, "a schema (an object or true/false)", schema);
    for (const auto& [keyword, value] : schema.items()) check_keyword(keyword, value, pointer_to_field(at, keyword));
    if (schema.contains("default")) defaults_.push_back({&schema, at});
  }

  // Every default must pass the schema it is the default of; checked after
  // the walk because its schema may $ref parts not yet checked.
  void check_defaults() const {
    for (const auto& [schema, at] : defaults_) {
      json value = schema->at("default");
      DiagnosticList problems("schema");
      validate_with_checked_schema(root_, *schema, value, "", problems);
      if (!problems.empty()) {
        const Diagnostic& first = problems.items().front();
        throw SchemaError("schema at " + pointer_to_field(at, "default") + first.pointer +
                          ": the default does not satisfy its schema: expected " + first.expected + ", found " +
                          first.found);
      }
    }
  }

 private:
  [[noreturn]] static void fail(const std::string& at, const std::string& expected, const json& found) {
    throw SchemaError("schema at " + (at.empty() ? std::string("the top level") : at) + ": expected " + expected +
                      ", found " + describe_value(found));
  }

  void check_keyword(const std::string& keyword, const json& value, const std::string& at) {
    if (keyword == "type") {
      check_type(value, at);
    } else if (keyword == "properties" || keyword == "$defs") {
      if (!value.is_object()) fail(at, "an object of schemas", value);
      for (const auto& [name, subschema] : value.items()) check(subschema, pointer_to_field(at, name));
    } else if (keyword == "required") {
      if (!value.is_array()) fail(at, "an array of field names", value);
      for (const json& name : value) {
        if (!name.is_string()) fail(at, "an array of field names", value);
      }
    } else if (keyword == "additionalProperties" || keyword == "items") {
      if (value.is_array()) fail(at, "one schema (the tuple form of items is not supported)", value);
      check(value, at);
    } else if (keyword == "enum") {
      if (!value.is_array() || value.empty()) fail(at, "a non-empty array", value);
    } else if (keyword == "oneOf" || keyword == "anyOf") {
      if (!value.is_array() || value.empty()) fail(at, "a non-empty array of schemas", value);
      for (std::size_t i = 0; i < value.size(); ++i) check(value[i], pointer_to_item(at, i));
    } else if (keyword == "minimum" || keyword == "maximum" || keyword == "exclusiveMinimum" ||
               keyword == "exclusiveMaximum") {
      if (!value.is_number()) fail(at, "a number", value);
    } else if (keyword == "minLength" || keyword == "maxLength" || keyword == "minItems" || keyword == "maxItems") {
      const bool count = value.is_number_unsigned() ||
                         (value.is_number_float() && value.get<double>() >= 0 && value.get<double>() < 1e15 &&
                          value.get<double>() == static_cast<double>(static_cast<long long>(value.get<double>())));
      if (!count) fail(at, "a non-negative integer", value);
    } else if (keyword == "pattern") {
      check_pattern(value, at);
    } else if (keyword == "$ref") {
      if (!value.is_string()) fail(at, "a string like \"#/$defs/NAME\"", value);
      try {
        resolve_ref(root_, value.get<std::string>());
      } catch (const SchemaError& error) {
        throw SchemaError("schema at " + at + ": " + error.what());
      }
    } else if (keyword == "const" || kAnnotations.contains(keyword)) {
      // any value
    } else {
      throw SchemaError("schema at " + at + ": unsupported keyword \"" + keyword + "\"");
    }
  }

  static void check_type(const json& value, const std::string& at) {
    const char* expected = "a type name (null, boolean, object, array, number, integer, string) or a list of them";
    if (value.is_string()) {
      if (!kTypeNames.contains(value.get<std::string>())) fail(at, expected, value);
      return;
    }
    if (!value.is_array() || value.empty()) fail(at, expected, value);
    for (const json& name : value) {
      if (!name.is_string() || !kTypeNames.contains(name.get<std::string>())) fail(at, expected, value);
    }
  }

  static void check_pattern(const json& value, const std::string& at) {
    if (!value.is_string()) fail(at, "a regular expression", value);
    try {
      std::regex(value.get<std::string>(), std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      throw SchemaError("schema at " + at + ": pattern " + compact_value(value) + " is not a valid regular expression (" +
                        error.what() + ")");
    }
  }

  const json& root_;
  std::vector<std::pair<const json*, std::string>> defaults_;
};

}  // namespace

void check_schema(const json& schema) {
  SchemaChecker checker(schema);
  checker.check(schema, "");
  checker.check_defaults();
}

}  // namespace qtsim::input
