#include "run_report.hpp"

namespace qtsim::reports {

namespace {

std::string text_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  const auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("name") && it->at("name").is_string()) return it->at("name").get<std::string>();
  return "";
}

std::int64_t int_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return 0;
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

}  // namespace

RunLabels run_labels(const nlohmann::json& stats) {
  RunLabels l;
  l.workload = text_at(stats, "workload");
  l.scheme = text_at(stats, "scheme");
  l.hardware = text_at(stats, "hardware");
  l.mode = text_at(stats, "mode");
  l.steps = int_at(stats, "steps");
  if (stats.is_object() && stats.contains("workload")) l.batch = int_at(stats.at("workload"), "batch_size");
  return l;
}

}  // namespace qtsim::reports
