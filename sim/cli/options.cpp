#include "options.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>

#include <fmt/format.h>

#include "sim/input/diagnostic.hpp"
#include "sim/input/did_you_mean.hpp"

namespace qtsim::cli {

namespace {

input::Diagnostic option_error(const std::string& option, const std::string& expected, const std::string& found,
                               const std::string& hint = {}) {
  return input::Diagnostic{"command line", option, expected, found, hint};
}

// The value as it can be shown on one line: control characters as escapes.
std::string printable(const std::string& v) {
  std::string out;
  for (const char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (u < 0x20 || u == 0x7F) out += fmt::format("\\x{:02X}", u);
    else out += c;
  }
  return out;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// `name` as the user wrote it: "--out", or "WORKLOAD" for a positional argument.
std::string shown_name(const std::string& name, const std::vector<std::string>& positional) {
  const bool is_positional =
      std::any_of(positional.begin(), positional.end(), [&](const std::string& p) { return p == name || p == name + "?" || p == name + "..."; });
  return is_positional ? upper(name) : "--" + name;
}

void check_text_value(const std::string& shown, const std::string& value, input::DiagnosticList& diags) {
  if (value.empty()) {
    diags.add(shown, "a non-empty value", "an empty value");
    return;
  }
  const auto bad = std::find_if(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
  if (bad != value.end())
    diags.add(shown, "a value without control characters",
              fmt::format("\"{}\" (a control character at position {})", printable(value), bad - value.begin() + 1));
}

// Empty values and control characters in every text option and argument
// (flags such as --no-progress take no value and hold an empty one).
void check_text_values(const po::variables_map& values, const po::options_description& options,
                       const std::vector<std::string>& positional) {
  input::DiagnosticList diags("command line");
  for (const auto& [name, v] : values) {
    const po::option_description* o = options.find_nothrow(name, false);
    if (v.defaulted() || (o && o->semantic()->max_tokens() == 0)) continue;
    const std::string shown = shown_name(name, positional);
    if (const auto* text = boost::any_cast<std::string>(&v.value())) check_text_value(shown, *text, diags);
    if (const auto* texts = boost::any_cast<std::vector<std::string>>(&v.value()))
      for (const std::string& t : *texts) check_text_value(shown, t, diags);
  }
  diags.throw_if_any();
}

std::vector<std::string> long_names(const po::options_description& d) {
  std::vector<std::string> names;
  for (const auto& o : d.options()) names.push_back("--" + o->long_name());
  return names;
}

}  // namespace

ParsedOptions parse_options(const std::vector<std::string>& args, const po::options_description& visible,
                            const std::vector<std::string>& positional, const std::string& usage) {
  po::options_description all = visible;
  all.add_options()("help,h", "show this help");
  po::options_description hidden;
  po::positional_options_description pos;
  // A positional name ending in '?' is optional; one ending in "..." (the last) takes the remaining arguments.
  auto many = [](const std::string& n) { return n.ends_with("..."); };
  auto bare = [&](const std::string& n) {
    return n.ends_with('?') ? n.substr(0, n.size() - 1) : many(n) ? n.substr(0, n.size() - 3) : n;
  };
  for (const auto& name : positional) {
    if (many(name))
      hidden.add_options()(bare(name).c_str(), po::value<std::vector<std::string>>(), "");
    else
      hidden.add_options()(bare(name).c_str(), po::value<std::string>(), "");
    pos.add(bare(name).c_str(), many(name) ? -1 : 1);
  }
  po::options_description cmdline;
  cmdline.add(all).add(hidden);
  ParsedOptions out;
  try {
    po::store(po::command_line_parser(args).options(cmdline).positional(pos).run(), out.values);
    po::notify(out.values);
  } catch (const po::unknown_option& e) {
    const std::string opt = e.get_option_name();
    const std::string guess = input::did_you_mean(opt, long_names(all));
    throw input::InputError(option_error(opt, "one of the options listed by --help", "an unknown option",
                                         guess.empty() ? "" : "did you mean " + guess + "?"));
  } catch (const po::too_many_positional_options_error&) {
    throw input::InputError(option_error("", std::to_string(positional.size()) + " file argument(s)", "more"));
  } catch (const po::invalid_option_value& e) {
    // Boost says "the argument ('many') for option '--steps' is invalid": keep the value.
    const std::string what = e.what();
    const auto a = what.find("('"), b = what.find("')");
    const std::string value = a != std::string::npos && b != std::string::npos && b > a ? what.substr(a + 2, b - a - 2) : what;
    throw input::InputError(option_error(e.get_option_name(), "a number", "\"" + value + "\""));
  } catch (const po::error& e) {
    throw input::InputError(option_error("", "valid options", e.what()));
  }
  if (out.values.count("help")) {
    std::cout << usage << "\n\n" << all << "\n";
    out.help = true;
    return out;
  }
  for (const auto& name : positional)
    if (!name.ends_with('?') && !out.values.count(bare(name))) throw input::InputError(option_error("", "argument " + name, "nothing", usage));
  check_text_values(out.values, cmdline, positional);
  return out;
}

std::optional<std::uint32_t> seed_option(const po::variables_map& v) {
  if (!v.count("seed")) return std::nullopt;
  const std::string text = v["seed"].as<std::string>();
  std::uint64_t value = 0;
  bool ok = !text.empty() && text.size() <= 10;
  for (const char c : text) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!ok || value > 0xFFFFFFFFull)
    throw input::InputError(option_error("--seed", "an integer in [0, 4294967295]", "\"" + printable(text) + "\""));
  return static_cast<std::uint32_t>(value);
}

void refuse_unused_options(const po::variables_map& v, const std::vector<std::string>& shown_names, const std::string& mode,
                           const std::string& why) {
  input::DiagnosticList diags("command line");
  for (const std::string& shown : shown_names) {
    const bool positional = !shown.starts_with("--");
    std::string key = positional ? shown : shown.substr(2);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!v.count(key) || v[key].defaulted()) continue;
    const auto* text = boost::any_cast<std::string>(&v[key].value());
    const auto* number = boost::any_cast<std::int64_t>(&v[key].value());
    diags.add(shown, "no " + (positional ? "workload file" : shown) + " " + mode + " (" + why + ")",
              text ? "\"" + printable(*text) + "\"" : number ? std::to_string(*number) : "the option");
  }
  diags.throw_if_any();
}

}  // namespace qtsim::cli
