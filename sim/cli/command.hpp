#pragma once
// The verbs of the command line: each parses its own options and returns the
// process exit code (0 ok, 1 failure such as a validation mismatch, 2 bad input).
#include <string>
#include <vector>

namespace qtsim::cli {

using Args = std::vector<std::string>;  // the arguments after the verb

int run_train(const Args& args);
int run_scheme(const Args& args);
int run_check(const Args& args);
int run_simulate(const Args& args);
int run_validate(const Args& args);
int run_report(const Args& args);
int run_compare(const Args& args);
int run_import(const Args& args);
int run_sweep(const Args& args);

}  // namespace qtsim::cli
