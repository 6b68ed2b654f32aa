#include "scheme_json.hpp"

#include <fmt/format.h>

namespace qtsim::workload {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

ref::QuantizerKind kind_of(const std::string& s) {
  if (s == "direct") return ref::QuantizerKind::direct;
  if (s == "constant") return ref::QuantizerKind::constant;
  if (s == "flag") return ref::QuantizerKind::flag;
  return ref::QuantizerKind::shift;
}

ref::Rounding rounding_of(const std::string& s) { return s == "stochastic" ? ref::Rounding::stochastic : ref::Rounding::nearest; }

template <typename T>
void take(const json& obj, const char* key, T& field) {
  if (obj.contains(key)) field = obj.at(key).get<T>();
}

void take_rounding(const json& obj, const char* key, ref::Rounding& field) {
  if (obj.contains(key)) field = rounding_of(obj.at(key).get<std::string>());
}

// A/E/G overrides plus the rules of docs/NUMERICS.md §4 that a schema cannot state.
void apply_quantizer(const json& scheme, const char* path, ref::QuantizerSpec& q, const std::string& pointer,
                     input::DiagnosticList& diags) {
  if (!scheme.contains(path)) return;
  const json& o = scheme.at(path);
  const std::string at = pointer + "/" + path;
  if (o.contains("quantizer")) q.kind = kind_of(o.at("quantizer").get<std::string>());
  take(o, "bits", q.bits);
  take_rounding(o, "rounding", q.rounding);
  take(o, "exponent", q.exponent);
  take(o, "constant_log2", q.constant_log2);
  const std::string p = path;
  if (q.kind == ref::QuantizerKind::flag && p != "E")
    diags.add(at + "/quantizer", "direct, shift or constant (flag quantization is for errors, path E)", "\"flag\"");
  if (q.kind == ref::QuantizerKind::constant && p != "G")
    diags.add(at + "/quantizer", "direct, shift or flag (constant quantization is for gradients, path G)", "\"constant\"");
  if (q.kind == ref::QuantizerKind::direct && o.contains("quantizer") && !o.contains("exponent"))
    diags.add(at, "field \"exponent\" (a direct quantizer needs its fixed exponent)", "nothing");
  if (q.kind == ref::QuantizerKind::constant && q.constant_log2 > q.bits - 1)
    diags.add(at + "/constant_log2", fmt::format("at most bits - 1 = {} (c must fit in {} bits)", q.bits - 1, q.bits),
              std::to_string(q.constant_log2));
}

const char* kind_name(ref::QuantizerKind k) {
  switch (k) {
    case ref::QuantizerKind::direct: return "direct";
    case ref::QuantizerKind::shift: return "shift";
    case ref::QuantizerKind::constant: return "constant";
    case ref::QuantizerKind::flag: return "flag";
  }
  return "?";
}

ordered_json quantizer_json(const ref::QuantizerSpec& q) {
  ordered_json o{{"quantizer", kind_name(q.kind)}, {"bits", q.bits}, {"rounding", ref::to_string(q.rounding)}};
  if (q.kind == ref::QuantizerKind::direct) o["exponent"] = q.exponent;
  if (q.kind == ref::QuantizerKind::constant) o["constant_log2"] = q.constant_log2;
  return o;
}

}  // namespace

std::optional<ref::Scheme> parse_scheme(const json& j, const std::string& pointer, input::DiagnosticList& diags) {
  const std::size_t before = diags.items().size();
  if (j.is_string()) {
    auto preset = ref::find_preset(j.get<std::string>());
    if (!preset) diags.add(pointer, "a scheme preset name", j.dump());
    return preset;
  }
  ref::Scheme s;
  if (j.contains("preset")) {
    s = *ref::find_preset(j.at("preset").get<std::string>());  // the schema admits only known presets
  } else if (!j.contains("datapath")) {
    diags.add(pointer, "field \"preset\" (a preset to start from) or \"datapath\" (a scheme from scratch)", "neither");
    return std::nullopt;
  }
  // Name: as given; else "<preset>+custom" when fields are overridden; else "custom".
  if (j.contains("name")) s.name = j.at("name").get<std::string>();
  else if (!j.contains("preset")) s.name = "custom";
  else if (j.size() > 1) s.name += "+custom";
  if (j.contains("datapath")) s.datapath = j.at("datapath") == "fp32" ? ref::Datapath::fp32 : ref::Datapath::integer;
  apply_quantizer(j, "A", s.A, pointer, diags);
  apply_quantizer(j, "E", s.E, pointer, diags);
  apply_quantizer(j, "G", s.G, pointer, diags);
  if (j.contains("W")) {
    const json& w = j.at("W");
    take(w, "bits", s.W.bits);
    take(w, "storage_bits", s.W.storage_bits);
    if (w.contains("exponent")) s.W.exponent = w.at("exponent").get<int>();
    take(w, "headroom_sigmas", s.W.headroom_sigmas);
    take(w, "bias_exponent", s.W.bias_exponent);
    take(w, "scale_exponent", s.W.scale_exponent);
  }
  if (s.W.storage_bits < s.W.bits)
    diags.add(pointer + "/W/storage_bits", fmt::format("at least W bits ({})", s.W.bits), std::to_string(s.W.storage_bits));
  if (j.contains("U")) {
    take(j.at("U"), "bits", s.U.bits);
    take_rounding(j.at("U"), "rounding", s.U.rounding);
  }
  take(j, "accumulator_bits", s.accumulator_bits);
  if (j.contains("optimizer")) {
    const json& o = j.at("optimizer");
    take(o, "lr_frac_bits", s.optimizer.lr_frac_bits);
    take(o, "weight_decay_frac_bits", s.optimizer.weight_decay_frac_bits);
    if (o.contains("momentum")) {
      const json& m = o.at("momentum");
      take(m, "enabled", s.optimizer.momentum.enabled);
      take(m, "coefficient_int", s.optimizer.momentum.coefficient_int);
      take(m, "coefficient_frac", s.optimizer.momentum.coefficient_frac);
      take(m, "buffer_bits", s.optimizer.momentum.buffer_bits);
      take_rounding(m, "rounding", s.optimizer.momentum.rounding);
    }
    if (o.contains("gradient_constant_schedule")) {
      s.optimizer.gradient_constant_schedule.clear();
      const json& sched = o.at("gradient_constant_schedule");
      for (std::size_t i = 0; i < sched.size(); ++i) {
        const double epoch = sched[i][0].get<double>();
        const double log2c = sched[i][1].get<double>();
        if (log2c != static_cast<int>(log2c) || log2c < 1 || log2c > s.G.bits - 1)
          diags.add(fmt::format("{}/optimizer/gradient_constant_schedule/{}/1", pointer, i),
                    fmt::format("an integer log2(c) in [1, {}]", s.G.bits - 1), sched[i][1].dump());
        s.optimizer.gradient_constant_schedule.emplace_back(epoch, static_cast<int>(log2c));
      }
    }
  }
  if (j.contains("normalization")) {
    const std::string n = j.at("normalization");
    s.normalization = n == "fp32" ? ref::NormKind::fp32 : n == "int" ? ref::NormKind::integer : ref::NormKind::none;
  }
  if (j.contains("int_bn")) {
    const json& b = j.at("int_bn");
    take(b, "mean_bits", s.int_bn.mean_bits);
    take(b, "std_bits", s.int_bn.std_bits);
    take(b, "norm_bits", s.int_bn.norm_bits);
    take(b, "eps_exp", s.int_bn.eps_exp);
    take(b, "running_momentum_log2", s.int_bn.running_momentum_log2);
  }
  take(j, "fp32_first_last", s.fp32_first_last);
  if (s.is_float() && s.normalization == ref::NormKind::integer)
    diags.add(pointer + "/normalization", "\"none\" or \"fp32\" for a float32 datapath", "\"int\"");
  if (diags.items().size() != before) return std::nullopt;
  return s;
}

ordered_json scheme_to_json(const ref::Scheme& s) {
  ordered_json j;
  j["name"] = s.name;
  j["datapath"] = ref::to_string(s.datapath);
  if (!s.is_float()) {
    j["A"] = quantizer_json(s.A);
    j["E"] = quantizer_json(s.E);
    j["G"] = quantizer_json(s.G);
    ordered_json w{{"bits", s.W.bits}, {"storage_bits", s.W.storage_bits}};
    if (s.W.exponent) w["exponent"] = *s.W.exponent;
    w["headroom_sigmas"] = s.W.headroom_sigmas;
    w["bias_exponent"] = s.W.bias_exponent;
    w["scale_exponent"] = s.W.scale_exponent;
    j["W"] = w;
    j["U"] = {{"bits", s.U.bits}, {"rounding", ref::to_string(s.U.rounding)}};
    j["accumulator_bits"] = s.accumulator_bits;
    const auto& m = s.optimizer.momentum;
    ordered_json opt{{"lr_frac_bits", s.optimizer.lr_frac_bits},
                     {"weight_decay_frac_bits", s.optimizer.weight_decay_frac_bits},
                     {"momentum", ordered_json{{"enabled", m.enabled}, {"coefficient_int", m.coefficient_int},
                                               {"coefficient_frac", m.coefficient_frac}, {"buffer_bits", m.buffer_bits},
                                               {"rounding", ref::to_string(m.rounding)}}}};
    ordered_json sched = ordered_json::array();
    for (const auto& [e, c] : s.optimizer.gradient_constant_schedule) sched.push_back({e, c});
    opt["gradient_constant_schedule"] = sched;
    j["optimizer"] = opt;
  }
  j["normalization"] = ref::to_string(s.normalization);
  if (s.normalization == ref::NormKind::integer)
    j["int_bn"] = {{"mean_bits", s.int_bn.mean_bits}, {"std_bits", s.int_bn.std_bits}, {"norm_bits", s.int_bn.norm_bits},
                   {"eps_exp", s.int_bn.eps_exp}, {"running_momentum_log2", s.int_bn.running_momentum_log2}};
  if (!s.is_float()) j["fp32_first_last"] = s.fp32_first_last;
  return j;
}

}  // namespace qtsim::workload
