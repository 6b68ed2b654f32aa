#include "validated_json_file.hpp"

#include "diagnostic.hpp"
#include "json_file.hpp"
#include "schema_validator.hpp"

namespace qtsim::input {

nlohmann::json read_validated_json_file(const std::string& path, const nlohmann::json& schema) {
  nlohmann::json document = read_json_file(path);
  DiagnosticList problems(path);
  validate(schema, document, problems);
  problems.throw_if_any();
  return document;
}

}  // namespace qtsim::input
