#include "options.hpp"

#include <iostream>

#include "sim/input/diagnostic.hpp"
#include "sim/input/did_you_mean.hpp"

namespace qtsim::cli {

namespace {

input::Diagnostic option_error(const std::string& option, const std::string& expected, const std::string& found,
                               const std::string& hint = {}) {
  return input::Diagnostic{"command line", option, expected, found, hint};
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
  return out;
}

}  // namespace qtsim::cli
