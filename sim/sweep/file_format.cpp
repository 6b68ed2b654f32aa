#include "file_format.hpp"

namespace qtsim::sweep {

nlohmann::ordered_json format_header(const std::string& format, int version) {
  nlohmann::ordered_json j;
  j["format"] = format;
  j["version"] = version;
  return j;
}

void check_format(const nlohmann::json& doc, const std::string& file, const std::string& format, int version) {
  if (!doc.is_object() || doc.value("format", "") != format)
    throw damaged_file(file, "/format", "\"" + format + "\" (written by qtsim sweep)");
  if (doc.value("version", 0) != version) throw damaged_file(file, "/version", std::to_string(version));
}

input::InputError damaged_file(const std::string& file, const std::string& pointer, const std::string& expected) {
  return input::InputError(input::Diagnostic{file, pointer, expected, "something else (a damaged or foreign file)", ""});
}

}  // namespace qtsim::sweep
