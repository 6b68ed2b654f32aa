#pragma once
// The variants of one network that `qtsim compare` runs: the given workload
// document with its network's "normalization" and its "scheme" replaced
// (batchnorm + fp32-bn, fixup + int8-eoq, batchnorm + int8-wageubn,
// batchnorm + int8-dfp), each then checked as any workload file is. Data set,
// layers and training settings stay the given file's.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/workload/workload.hpp"

namespace qtsim::compare {

struct VariantSpec {
  std::string normalization;  // batchnorm | fixup
  std::string scheme;         // a scheme preset name
};

// The four variants compare runs, in its order, named by their scheme, with the
// hardware preset family each runs on (presets FAMILY-RxC in workloads/hw/).
struct StandardVariant {
  VariantSpec spec;
  std::string hardware_family;
};
const std::vector<StandardVariant>& standard_variants();  // fp32-bn, int8-eoq, int8-wageubn, int8-dfp

// "resnet18-imagenet-bn" -> "resnet18-imagenet" (a trailing -bn or -fixup dropped).
std::string network_base_name(const std::string& workload_name);

// The given document with the variant applied and named `<base>-<normalization>-<scheme>`.
nlohmann::json variant_document(const nlohmann::json& given, const VariantSpec& v);

// Checks the variant; problems name `file` with the variant in brackets.
workload::Workload load_variant(const nlohmann::json& given, const std::string& file, const VariantSpec& v);

}  // namespace qtsim::compare
