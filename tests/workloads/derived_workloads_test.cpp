// Workloads that derive from workloads (docs/WORKLOADS.md, "Derived
// workloads"): a file extends a base and patches it with JSON Merge Patch
// (RFC 7396); the expansion is checked, and each problem names the file of
// the chain that wrote the value.
#include <gtest/gtest.h>

#include <string>

#include "sim/input/diagnostic.hpp"
#include "sim/input/json_file.hpp"
#include "sim/workload/workload.hpp"
#include "tests/common/scratch_files.hpp"

namespace qtsim::workload {
namespace {

using nlohmann::json;
using test::TempDir;

const std::string kProject = QTSIM_PROJECT_DIR;

std::string error_of(const std::string& path) {
  try {
    load_workload(path);
  } catch (const input::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// A whole synthetic workload, to derive from.
json whole_workload() {
  return json::parse(R"({
    "name": "base", "description": "a small CNN",
    "input": {"shape": [1, 8, 8], "classes": 4},
    "dataset": {"type": "synthetic", "train_size": 16, "test_size": 8, "seed": 1},
    "network": {"normalization": "none", "layers": [
      {"type": "conv", "name": "c1", "out_channels": 4, "kernel": 3, "padding": 1},
      {"type": "relu", "name": "r1"},
      {"type": "flatten", "name": "f"},
      {"type": "linear", "name": "fc", "out_features": 4}]},
    "training": {"batch_size": 4, "epochs": 1, "lr": {"base": 0.1, "schedule": "cosine"}, "momentum": 0.9},
    "scheme": "fp32-fixup"})");
}

class Derived : public ::testing::Test {
 protected:
  TempDir dir;
  std::string write(const std::string& name, const json& j) {
    std::filesystem::create_directories((dir / name).parent_path());
    test::write_file(dir / name, j.dump(2));
    return dir.file(name);
  }
};

TEST_F(Derived, ObjectsMergeNullRemovesArraysAndScalarsReplace) {
  write("nets/base.json", whole_workload());
  const std::string d = write("d.json", json::parse(R"({
    "extends": "nets/base.json", "name": "d",
    "input": {"classes": 3},
    "network": {"layers": [{"type": "flatten"}, {"type": "linear", "out_features": 3}]},
    "training": {"lr": {"base": 0.05}, "momentum": null},
    "scheme": "int8-eoq"})"));
  const WorkloadSource s = read_workload_source(d);
  json expected = whole_workload();
  expected["name"] = "d";
  expected["input"]["classes"] = 3;
  expected["network"]["layers"] = json::parse(R"([{"type": "flatten"}, {"type": "linear", "out_features": 3}])");
  expected["training"]["lr"]["base"] = 0.05;
  expected["training"].erase("momentum");
  expected["scheme"] = "int8-eoq";
  EXPECT_EQ(s.expanded, expected);
  ASSERT_EQ(s.chain.size(), 2u);
  EXPECT_EQ(s.chain[1].path, dir.file("nets/base.json"));

  const Workload w = load_workload(d);
  EXPECT_EQ(w.bases, std::vector<std::string>{dir.file("nets/base.json")});
  EXPECT_EQ(w.network.classes, 3);
  EXPECT_EQ(w.training.momentum, 0.9) << "the removed field takes the schema's default";
  EXPECT_FALSE(w.source.contains("extends"));
}

TEST_F(Derived, BasesOfBasesApplyFromTheRootAndPathsAreRelativeToEachFile) {
  json root = whole_workload();
  root.erase("name");
  write("a/root.json", root);
  write("a/b/mid.json", json::parse(R"({"extends": "../root.json", "training": {"epochs": 3, "batch_size": 2}})"));
  const std::string top = write("top.json", json::parse(R"({"extends": "a/b/mid.json", "name": "top", "training": {"epochs": 2}})"));
  const Workload w = load_workload(top);
  EXPECT_EQ(w.training.epochs, 2);
  EXPECT_EQ(w.training.batch_size, 2);
  EXPECT_EQ(w.name, "top");
  EXPECT_EQ(w.bases, (std::vector<std::string>{dir.file("a/b/mid.json"), dir.file("a/root.json")}));
}

TEST_F(Derived, AFileWithoutBaseIsItsOwnExpansion) {
  const std::string f = write("w.json", whole_workload());
  const WorkloadSource s = read_workload_source(f);
  EXPECT_FALSE(s.derived());
  EXPECT_EQ(s.expanded, whole_workload());
}

TEST_F(Derived, AMissingBaseIsAnErrorOfTheDerivingFile) {
  write("nets/base.json", whole_workload());
  const std::string d = write("d.json", json{{"extends", "nets/bsae.json"}, {"name", "d"}});
  EXPECT_EQ(error_of(d), d + ": at /extends: expected a workload file (path relative to this file), found "
                             "\"nets/bsae.json\" (" + dir.file("nets/bsae.json") + ": nothing at this path) (did you mean '" +
                             dir.file("nets/base.json") + "'?)");
}

TEST_F(Derived, ACycleIsAnErrorNamingTheChain) {
  const std::string a = write("a.json", json{{"extends", "b.json"}});
  write("b.json", json{{"extends", "./a.json"}});
  EXPECT_EQ(error_of(a), dir.file("b.json") + ": at /extends: expected a workload that does not extend itself, found "
                                              "\"./a.json\", a cycle: " + a + " -> " + dir.file("b.json") + " -> " +
                             dir.file("a.json"));
  const std::string self = write("self.json", json{{"extends", "self.json"}});
  EXPECT_NE(error_of(self).find("found \"self.json\", a cycle: " + self + " -> " + self), std::string::npos)
      << error_of(self);
}

TEST_F(Derived, ABaseMustBeAPathToAJsonObject) {
  const std::string number = write("n.json", json{{"extends", 3}});
  EXPECT_EQ(error_of(number), number + ": at /extends: expected a workload file (path relative to this file, a "
                                       "non-empty string), found 3 (an integer)");
  write("list.json", json::array({1, 2}));
  const std::string d = write("d.json", json{{"extends", "list.json"}});
  EXPECT_EQ(error_of(d), dir.file("list.json") + ": expected a JSON object (extended by " + d +
                             ": a workload, or the part of one it derives from), found [1,2] (an array of 2 items)");
}

TEST_F(Derived, ChainsAreLimited) {
  write("f0.json", whole_workload());
  for (std::size_t i = 1; i <= kMaxBaseChain; ++i)
    write("f" + std::to_string(i) + ".json", json{{"extends", "f" + std::to_string(i - 1) + ".json"}});
  EXPECT_NO_THROW(load_workload(dir.file("f" + std::to_string(kMaxBaseChain - 1) + ".json")));
  EXPECT_NE(error_of(dir.file("f" + std::to_string(kMaxBaseChain) + ".json"))
                .find(": at /extends: expected at most 16 files extending one another, found \"f0.json\" at depth 16"),
            std::string::npos);
}

TEST_F(Derived, ProblemsNameTheFileThatWroteTheValue) {
  json base = whole_workload();
  base["training"]["batch_size"] = 0;
  const std::string b = write("base.json", base);
  // Inherited: the base wrote it.
  const std::string d1 = write("d1.json", json::parse(R"({"extends": "base.json", "training": {"epochs": 2}})"));
  EXPECT_EQ(error_of(d1),
            b + ": at /training/batch_size: expected an integer in [1, 65536], found 0 (an integer) (inherited by " + d1 + ")");
  // Overridden: the deriving file wrote it (and a misspelt field is its own too).
  const std::string d2 = write("d2.json", json::parse(R"({"extends": "base.json", "training": {"batch_size": -1}, "trainng": {}})"));
  const std::string e2 = error_of(d2);
  EXPECT_NE(e2.find(d2 + ": at /training/batch_size: expected an integer in [1, 65536], found -1"), std::string::npos) << e2;
  EXPECT_NE(e2.find(d2 + ": at /trainng: "), std::string::npos) << e2;
  EXPECT_EQ(e2.find(b + ":"), std::string::npos) << e2;
}

TEST_F(Derived, AReplacedArrayHidesTheBasesItems) {
  const std::string b = write("base.json", whole_workload());
  // The deriving file's layer 0 has no kernel; the base's layer 0 has one at
  // the same pointer, but the whole list is the deriving file's.
  const std::string d = write("d.json", json::parse(R"({"extends": "base.json", "network": {"layers": [
    {"type": "conv", "name": "c1", "out_channels": 4}, {"type": "flatten"}, {"type": "linear", "out_features": 4}]}})"));
  const std::string e = error_of(d);
  EXPECT_NE(e.find(d + ": at /network/layers/0/kernel: expected field \"kernel\", found nothing"), std::string::npos) << e;
  EXPECT_EQ(e.find(b + ":"), std::string::npos) << e;
  // A field of an object the deriving file merges into stays the base's.
  json bad_base = whole_workload();
  bad_base["network"]["layers"][0]["out_channels"] = 0;
  const std::string b2 = write("base2.json", bad_base);
  const std::string d2 = write("d2.json", json::parse(R"({"extends": "base2.json", "network": {"normalization": "none"}})"));
  EXPECT_NE(error_of(d2).find(b2 + ": at /network/layers/0/out_channels: "), std::string::npos) << error_of(d2);
}

// The five Fashion-MNIST comparison workloads derive from one network
// definition; their expansions are exactly the files they replaced
// (tests/workloads/expansions/, the files as they were before), so every
// accuracy and determinism figure measured on them still holds.
TEST(ShippedDerivedWorkloads, ExpandToTheFilesTheyReplaced) {
  for (const char* name : {"fmnist-resnet-fixup", "fmnist-resnet-fixup-fp32", "fmnist-resnet-bn",
                           "fmnist-resnet-bn-wageubn", "fmnist-resnet-bn-dfp"}) {
    SCOPED_TRACE(name);
    const WorkloadSource s = read_workload_source(kProject + "/workloads/" + name + ".json");
    EXPECT_EQ(s.chain.size(), 2u);
    EXPECT_EQ(s.chain.back().path, kProject + "/workloads/base/fmnist-resnet8.json");
    EXPECT_EQ(s.expanded, input::read_json_file(kProject + "/tests/workloads/expansions/" + name + ".json"));
  }
}

}  // namespace
}  // namespace qtsim::workload
