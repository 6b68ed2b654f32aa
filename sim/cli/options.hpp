#pragma once
// Command-line option parsing with errors that say what was expected and
// suggest the option the user probably meant (Boost.Program_options underneath).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace qtsim::cli {

namespace po = boost::program_options;

struct ParsedOptions {
  po::variables_map values;
  bool help = false;
};

// Parses `args` against `visible` options plus positional names (a name ending
// in '?' is optional; a last name ending in "..." takes the remaining
// arguments, a std::vector<std::string> under the name without dots); on any problem
// throws input::InputError naming the option. `usage` is printed for --help.
// Every text value must be non-empty and free of control characters (a
// newline in a name could forge a line of output).
ParsedOptions parse_options(const std::vector<std::string>& args, const po::options_description& visible,
                            const std::vector<std::string>& positional, const std::string& usage);

// --seed, declared as text: a decimal integer in [0, 4294967295] (read as a
// number, Boost would silently turn -1 into 4294967295).
std::optional<std::uint32_t> seed_option(const po::variables_map& v);

// Options given (not defaulted) that this mode does not use are refused, not
// ignored: one diagnostic per option, "expected no --hw with --scalesim-cfg
// (why)". `shown_names` as the user writes them: "--hw", or "WORKLOAD" for an argument.
void refuse_unused_options(const po::variables_map& v, const std::vector<std::string>& shown_names, const std::string& mode,
                           const std::string& why);

}  // namespace qtsim::cli
