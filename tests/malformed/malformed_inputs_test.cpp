// The malformed-input corpus (tests/malformed/cases/NAME/): each case's `args`
// is a qtsim command line run from the source directory ({dir} = the case's
// folder, {out} = an output path that must not appear). Every case must exit
// with code 2, print each line of its `expected` file on stderr, write nothing,
// and not crash or hang: workloads, hardware configurations, SCALE-Sim files
// and command-line options.
#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <sstream>

#include "../accelerator/run_tool.hpp"

namespace qtsim::test {
namespace {

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(source_dir() + "/tests/malformed/cases"))
    if (std::filesystem::exists(e.path() / "args")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

class Malformed : public ::testing::TestWithParam<std::string> {};

TEST_P(Malformed, ExitsTwoWithItsMessageAndWritesNothing) {
  const std::string dir = "tests/malformed/cases/" + GetParam();
  TempDir tmp;
  const std::string out = (tmp.path / "out").string();
  std::string args = read_file(source_dir() + "/" + dir + "/args");
  while (!args.empty() && (args.back() == '\n' || args.back() == '\r')) args.pop_back();
  args = replace_all(replace_all(args, "{dir}", dir), "{out}", out);
  const ToolRun r = run_qtsim(args);
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
  std::istringstream expected(read_file(source_dir() + "/" + dir + "/expected"));
  std::string line;
  int lines = 0;
  while (std::getline(expected, line)) {
    if (line.empty()) continue;
    ++lines;
    EXPECT_NE(r.err.find(replace_all(line, "{dir}", dir)), std::string::npos) << "missing on stderr: " << line << "\nstderr:\n" << r.err;
  }
  EXPECT_GT(lines, 0) << "the case has no expected message";
  EXPECT_FALSE(std::filesystem::exists(out)) << "a refused command wrote " << out;
  EXPECT_TRUE(r.out.empty() || r.out.find("error") == std::string::npos) << "errors belong on stderr";
}

INSTANTIATE_TEST_SUITE_P(Cases, Malformed, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace qtsim::test
