// Bad input to `qtsim train` (and `check`): each problem gives one clear message
// naming the file (or the command line), the JSON pointer (or the option), what
// was expected and what was found; the exit code is 2 and nothing is written
// to --out.
#include "cli_test_util.hpp"

namespace qtsim::cli_test {
namespace {

class BadInput : public ::testing::Test {
 protected:
  // Trains `workload` with --out, expects the refusal and returns the message.
  std::string refused(const std::vector<std::string>& args) {
    const fs::path out = dir / "out";
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--out", out.string(), "--no-progress"});
    const RunResult r = run_qtsim(all, dir.path);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(fs::exists(out)) << "a refused run wrote " << out;
    EXPECT_TRUE(r.out.empty()) << r.out;
    const auto errors = r.errors();
    EXPECT_EQ(errors.size(), 1u) << r.err;
    return errors.empty() ? std::string() : errors.front();
  }

  fs::path workload(const std::string& name, const json& w) { return write_workload(dir, name, w); }

  TempDir dir;
  const json cnn = small_fashion_mnist(shipped_workload("fmnist-cnn"), 256, 100);
};

void expect_parts(const std::string& message, const std::vector<std::string>& parts) {
  for (const auto& p : parts) EXPECT_NE(message.find(p), std::string::npos) << "missing \"" << p << "\" in: " << message;
}

TEST_F(BadInput, MissingDatasetDirectory) {
  json w = cnn;
  w["dataset"]["path"] = (dir / "no-such-dir").string();
  const fs::path f = workload("nodata", w);
  expect_parts(refused({"train", f.string()}),
               {"nodata.json: at /dataset/path: expected a directory holding the Fashion-MNIST IDX files",
                "found no such directory at \"" + (dir / "no-such-dir").string() + "\"", "dataset-fashion-mnist"});
}

TEST_F(BadInput, DatasetDirectoryWithoutTheFiles) {
  fs::create_directories(dir / "empty");
  json w = cnn;
  w["dataset"]["path"] = (dir / "empty").string();
  const fs::path out = dir / "out";
  const RunResult r = run_qtsim({"train", workload("nofiles", w).string(), "--out", out.string()}, dir.path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(out));
  ASSERT_FALSE(r.errors().empty()) << r.err;
  expect_parts(r.errors().front(), {"nofiles.json: at /dataset/path: expected a file train-images-idx3-ubyte", "found neither"});
}

TEST_F(BadInput, MalformedJson) {
  std::string text = cnn.dump(2);
  const auto at = text.find("\"momentum\"");
  ASSERT_NE(at, std::string::npos);
  text.insert(at, "\"steps\": 3 ");  // a missing comma inside /training
  write_file(dir / "malformed.json", text);
  expect_parts(refused({"train", (dir / "malformed.json").string()}),
               {"malformed.json: expected ',' or '}' after the field's value", "found \"momentum\" at line",
                "is a ',' missing"});
}

TEST_F(BadInput, WronglyTypedField) {
  json w = cnn;
  w["training"]["batch_size"] = "128";
  expect_parts(refused({"train", workload("typed", w).string()}),
               {"typed.json: at /training/batch_size: expected an integer", "found \"128\" (a string)"});
}

TEST_F(BadInput, UnknownPresetInTheFile) {
  json w = cnn;
  w["scheme"] = "int8-eoqq";
  expect_parts(refused({"train", workload("preset", w).string()}),
               {"preset.json: at /scheme: expected one of \"fp32-bn\"", "found \"int8-eoqq\"", "did you mean 'int8-eoq'?"});
}

TEST_F(BadInput, UnknownPresetOnTheCommandLine) {
  expect_parts(refused({"train", workload("cnn", cnn).string(), "--scheme", "int8-foo"}),
               {"command line: at --scheme: expected a preset: fp32-bn, fp32-fixup, int8-eoq, int8-eoq-paper, int8-wageubn, int8-dfp",
                "found \"int8-foo\""});
}

TEST_F(BadInput, LinearLayerOnAnInputThatIsNotFlat) {
  json w = cnn;
  json layers = json::array();
  for (const auto& l : w["network"]["layers"])
    if (l["type"] != "flatten") layers.push_back(l);
  w["network"]["layers"] = layers;
  const fs::path f = workload("notflat", w);
  const std::vector<std::string> parts = {"notflat.json: at /network/layers/6: layer 'fc1' (linear): expected a flat input",
                                          "found [64, 7, 7]"};
  expect_parts(refused({"train", f.string()}), parts);
  const RunResult check = run_qtsim({"check", f.string()}, dir.path);
  EXPECT_EQ(check.exit_code, 2);
  ASSERT_EQ(check.errors().size(), 1u) << check.err;
  expect_parts(check.errors().front(), parts);
}

TEST_F(BadInput, KernelLargerThanItsInput) {
  json w = cnn;
  w["network"]["layers"][0]["kernel"] = 31;
  expect_parts(refused({"train", workload("kernel", w).string()}),
               {"kernel.json: at /network/layers/0: layer 'conv1' (conv): expected a kernel of at most 30",
                "found kernel 31"});
}

TEST_F(BadInput, ResidualAddOfDifferentShapes) {
  json w = cnn;
  w["network"]["layers"].insert(w["network"]["layers"].begin() + 3,
                                json{{"type", "add"}, {"name", "join"}, {"inputs", {"conv1", "pool1"}}});
  expect_parts(refused({"train", workload("add", w).string()}),
               {"add.json: at /network/layers/3: layer 'join' (add): expected two inputs of the same shape",
                "found 'conv1' [32, 28, 28] and 'pool1' [32, 14, 14]"});
}

TEST_F(BadInput, UnknownVerb) {
  const RunResult r = run_qtsim({"trian", "x.json"}, dir.path);
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(r.errors().size(), 1u) << r.err;
  expect_parts(r.errors().front(), {"unknown verb 'trian'", "did you mean 'train'?"});
}

TEST_F(BadInput, UnknownOption) {
  expect_parts(refused({"train", workload("cnn", cnn).string(), "--stpes", "3"}),
               {"command line: at --stpes: expected one of the options listed by --help", "found an unknown option",
                "did you mean --steps?"});
}

TEST_F(BadInput, MissingWorkloadFile) {
  expect_parts(refused({"train", (dir / "absent.json").string()}), {"absent.json: expected an existing file"});
}

}  // namespace
}  // namespace qtsim::cli_test
