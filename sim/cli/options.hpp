#pragma once
// Command-line option parsing with errors that say what was expected and
// suggest the option the user probably meant (Boost.Program_options underneath).
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
ParsedOptions parse_options(const std::vector<std::string>& args, const po::options_description& visible,
                            const std::vector<std::string>& positional, const std::string& usage);

}  // namespace qtsim::cli
