#include "workload_variants.hpp"

#include "sim/input/diagnostic.hpp"

namespace qtsim::compare {

const std::vector<StandardVariant>& standard_variants() {
  static const std::vector<StandardVariant> variants{{{"batchnorm", "fp32-bn"}, "fp32-bn"},
                                                     {{"fixup", "int8-eoq"}, "int8-fixup"},
                                                     {{"batchnorm", "int8-wageubn"}, "int8-intbn"},
                                                     {{"batchnorm", "int8-dfp"}, "int8-intbn"}};
  return variants;
}

std::string network_base_name(const std::string& name) {
  for (const std::string suffix : {"-bn", "-fixup"})
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      return name.substr(0, name.size() - suffix.size());
  return name;
}

nlohmann::json variant_document(const nlohmann::json& given, const VariantSpec& v) {
  nlohmann::json doc = given;
  if (!doc.is_object()) return doc;  // the check reports it
  const std::string name = doc.contains("name") && doc["name"].is_string() ? doc["name"].get<std::string>() : "workload";
  doc["name"] = network_base_name(name) + "-" + v.normalization + "-" + v.scheme;
  if (doc.contains("network") && doc["network"].is_object()) doc["network"]["normalization"] = v.normalization;
  doc["scheme"] = v.scheme;
  return doc;
}

workload::Workload load_variant(const nlohmann::json& given, const std::string& file, const VariantSpec& v) {
  return workload::parse_workload(variant_document(given, v), file + " [as " + v.normalization + ", " + v.scheme + "]");
}

}  // namespace qtsim::compare
