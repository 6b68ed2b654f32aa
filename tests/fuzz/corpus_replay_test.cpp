// Replays every fuzz corpus and regression input (tests/fuzz/corpus/<target>,
// tests/fuzz/regressions/<target>) through its target in an ordinary build, so
// the bugs the fuzzers found stay fixed under g++, -O0 and the sanitizer build
// without clang or libFuzzer. A target lets only input::InputError pass; any
// other exception fails the test naming the file, a crash ends the process.
#include <gtest/gtest.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include "fuzz_targets.hpp"

namespace qtsim::fuzz {

// Test names and messages show the target's name, not its bytes.
void PrintTo(const Target& t, std::ostream* os) { *os << t.name; }

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_of(const std::string& target) {
  std::vector<fs::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(QTSIM_FUZZ_DIR) / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class CorpusReplay : public ::testing::TestWithParam<Target> {};

TEST_P(CorpusReplay, EveryInputIsAcceptedOrRejectedWithAnInputError) {
  const Target& t = GetParam();
  const std::vector<fs::path> files = inputs_of(t.name);
  EXPECT_FALSE(files.empty()) << "no corpus for " << t.name;
  for (const fs::path& f : files) {
    try {
      t.run(slurp(f));
    } catch (const std::exception& e) {
      ADD_FAILURE() << f << ": uncaught " << typeid(e).name() << ": " << e.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Loaders, CorpusReplay, ::testing::ValuesIn(kTargets),
                         [](const ::testing::TestParamInfo<Target>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace qtsim::fuzz
