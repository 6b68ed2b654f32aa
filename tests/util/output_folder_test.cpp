// An output folder holds one run's files, committed as one set.
#include "sim/util/output_folder.hpp"

#include <gtest/gtest.h>

#include "sim/input/diagnostic.hpp"
#include "sim/util/atomic_file.hpp"
#include "tests/common/scratch_files.hpp"

namespace qtsim::util {
namespace {

namespace fs = std::filesystem;
using test::read_file;
using test::TempDir;
using test::write_file;

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) names.push_back(fs::relative(e.path(), dir).string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const input::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(OutputFolder, FilePatterns) {
  EXPECT_TRUE(matches_file_pattern("step_*.bin", "step_000001.bin"));
  EXPECT_TRUE(matches_file_pattern("stats.json.tmp.*", "stats.json.tmp.123"));
  EXPECT_TRUE(matches_file_pattern("a*b*c", "abc"));
  EXPECT_FALSE(matches_file_pattern("step_*.bin", "step_1.bin.tmp.5"));
  EXPECT_FALSE(matches_file_pattern("stats.json", "stats.json.tmp.1"));
}

TEST(OutputFolder, CommitReplacesThePreviousRunsFilesAndKeepsTheUsers) {
  TempDir d;
  const fs::path out = d / "out";
  {
    OutputFolder f(out, "--out", {"stats.json", "ops.csv", "report.json", "checkpoint/checkpoint.bin", "step_*.bin"});
    f.commit({{"ops.csv", "old ops"}, {"report.json", "old report"}, {"checkpoint/checkpoint.bin", "c"}, {"stats.json", "old"}});
  }
  write_file(out / "step_000003.bin", "x");
  write_file(out / "notes.txt", "the user's");
  OutputFolder f(out, "--out", {"stats.json", "ops.csv", "report.json", "checkpoint/checkpoint.bin", "step_*.bin"});
  f.commit({{"ops.csv", "new ops"}, {"stats.json", "new"}});
  EXPECT_EQ(names_in(out), (std::vector<std::string>{"notes.txt", "ops.csv", "stats.json"}));
  EXPECT_FALSE(fs::exists(out / "checkpoint")) << "an emptied subfolder of a previous run goes too";
  EXPECT_EQ(read_file(out / "stats.json"), "new");
  EXPECT_EQ(read_file(out / "ops.csv"), "new ops");
}

TEST(OutputFolder, AWriteErrorLeavesNothingOfTheNewSet) {
  TempDir d;
  const fs::path out = d / "out";
  OutputFolder f(out, "--out", {"a.csv", "b.csv", "stats.json"});
  f.commit({{"a.csv", "old a"}, {"stats.json", "old"}});
  write_file(out / "sub", "a file where the set wants a folder");
  EXPECT_THROW(f.commit({{"a.csv", "new a"}, {"b.csv", "new b"}, {"sub/c.csv", "c"}, {"stats.json", "new"}}), std::runtime_error);
  EXPECT_EQ(names_in(out), (std::vector<std::string>{"a.csv", "stats.json", "sub"})) << "no temporaries, nothing new";
  EXPECT_EQ(read_file(out / "a.csv"), "old a");
  EXPECT_EQ(read_file(out / "stats.json"), "old");
}

TEST(OutputFolder, StagedFilesAreCommittedWithTheSetOrRemoved) {
  TempDir d;
  OutputFolder f(d / "out", "--out", {});
  std::vector<StagedFile> staged;
  staged.emplace_back(write_temporary(d / "trace.vcd", "vcd"), d / "trace.vcd");
  f.commit({{"stats.json", "{}"}}, &staged);
  EXPECT_EQ(read_file(d / "trace.vcd"), "vcd");
  {
    StagedFile never(write_temporary(d / "other.vcd", "vcd"), d / "other.vcd");
  }
  EXPECT_EQ(names_in(d.path), (std::vector<std::string>{"out/stats.json", "trace.vcd"}));
}

TEST(OutputFolder, ASecondRunIntoTheSameFolderIsRefused) {
  TempDir d;
  const OutputFolder first(d / "out", "--out", {});
  EXPECT_EQ(message_of([&] { OutputFolder second(d / "out", "--out", {}); }),
            "command line: at --out: expected a folder no other qtsim run is writing, found \"" + (d / "out").string() +
                "\", locked by a qtsim run in progress (wait for it to finish, or choose another folder)");
}

TEST(OutputFolder, PathsThatCannotHoldAFolderAreBadInput) {
  TempDir d;
  write_file(d / "afile", "x");
  EXPECT_EQ(message_of([&] { OutputFolder f(d / "afile", "--out", {}); }),
            "command line: at --out: expected a folder (created if missing), found \"" + d.file("afile") + "\", an existing file");
  EXPECT_EQ(message_of([&] { OutputFolder f(d / "afile" / "x" / "y", "--dump", {}); }),
            "command line: at --dump: expected a folder (created if missing), found \"" + d.file("afile") + "/x/y\": \"" +
                d.file("afile") + "\" is an existing file, not a folder");
  EXPECT_EQ(message_of([&] { OutputFolder f("", "--out", {}); }), "command line: at --out: expected a folder name, found an empty value");
}

TEST(OutputFolder, ARunThatWritesNothingRemovesTheFoldersItCreated) {
  TempDir d;
  { OutputFolder f(d / "a" / "b" / "c", "--out", {}); }
  EXPECT_FALSE(fs::exists(d / "a"));
  fs::create_directory(d / "kept");
  { OutputFolder f(d / "kept", "--out", {}); }
  EXPECT_TRUE(fs::exists(d / "kept")) << "a folder that was there stays";
}

}  // namespace
}  // namespace qtsim::util
