// import_onnx on the committed fixtures: what each network becomes, what is
// recorded, and the errors for unsupported operators and for options the
// network does not fit.
#include <algorithm>

#include "import_test_util.hpp"

namespace qtsim::import::test {
namespace {

const ref::Node& node(const ref::Network& n, const std::string& name) {
  const int i = n.find(name);
  EXPECT_GE(i, 0) << name;
  return n.nodes.at(static_cast<std::size_t>(std::max(i, 0)));
}

TEST(Import, PlainCnnKeepsNodeNamesFoldsTheMatMulBiasAndDropsDropoutAndIdentity) {
  ImportOptions o;
  o.batch = 16;
  o.dataset = "fashion-mnist";
  const ImportResult r = import_fixture("plain-cnn.onnx", o);
  const ref::Network& net = r.workload.network;
  std::vector<std::string> names;
  for (const auto& n : net.nodes) names.push_back(n.name);
  EXPECT_EQ(names, (std::vector<std::string>{"input", "conv1.Conv", "relu1.Relu", "pool1.MaxPool", "conv2.Conv", "relu2.Relu",
                                             "pool2.AveragePool", "Flatten", "fc1.Gemm", "relu3.Relu", "fc2.MatMul"}));
  EXPECT_TRUE(node(net, "conv1.Conv").has_bias);
  EXPECT_EQ(node(net, "fc2.MatMul").op, ref::OpKind::linear);
  EXPECT_TRUE(node(net, "fc2.MatMul").has_bias) << "MatMul then Add of a vector is a fully connected layer with a bias";
  EXPECT_EQ(node(net, "fc2.MatMul").out_features, 10);
  EXPECT_EQ(node(net, "pool2.AveragePool").op, ref::OpKind::avgpool);
  EXPECT_EQ(r.workload.training.batch_size, 16);
  EXPECT_EQ(r.workload.dataset.type, "fashion-mnist");
  EXPECT_EQ(r.workload.normalization, "none") << "no BatchNormalization in the model";
  EXPECT_EQ(r.workload.scheme.name, "int8-eoq");
  ASSERT_GE(r.notes.size(), 2u);
  EXPECT_NE(r.notes[0].find("node 9 '/dropout/Dropout' (Dropout) dropped"), std::string::npos) << r.notes[0];
  EXPECT_NE(r.notes[1].find("node 12 '/output/Identity' (Identity) dropped"), std::string::npos) << r.notes[1];
  const auto& source = r.workload.source.at("source");
  EXPECT_EQ(source.at("format"), "onnx");
  EXPECT_EQ(source.at("file"), fixture("plain-cnn.onnx"));
  EXPECT_EQ(source.at("producer"), "qtsim-fixtures");
  EXPECT_EQ(source.at("opset"), 14);
  EXPECT_EQ(source.at("normalization"), "keep");
}

TEST(Import, SymbolicBatchNeedsTheBatchOption) {
  const auto errors = import_errors(fixture("plain-cnn.onnx"), {});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].str(), fixture("plain-cnn.onnx") +
                                 ": at graph input 'input': expected a fixed batch dimension, or --batch N, found a symbolic "
                                 "batch dimension [?, 1, 28, 28]");
}

TEST(Import, GroupedAndDepthwiseConvolutionsAndClipAsRelu) {
  const ImportResult r = import_fixture("separable.onnx");
  const ref::Network& net = r.workload.network;
  EXPECT_EQ(node(net, "features.1.dw.conv.Conv").groups, 8);
  EXPECT_EQ(node(net, "features.2.conv.Conv").groups, 4);
  EXPECT_EQ(node(net, "features.3.dw.conv.Conv").groups, 32);
  EXPECT_EQ(node(net, "features.1.pw.conv.Conv").groups, 1);
  EXPECT_EQ(node(net, "features.1.dw.act.Clip").op, ref::OpKind::relu);
  const ref::Node& bn = node(net, "features.0.bn.BatchNormalization");
  EXPECT_EQ(bn.op, ref::OpKind::batchnorm);
  EXPECT_EQ(bn.bn_eps, 1e-5) << "float32 1e-05 written as the decimal it was";
  EXPECT_EQ(bn.bn_momentum, 0.1) << "ONNX momentum 0.9 weighs the running statistic; qtsim's weighs the batch";
  EXPECT_EQ(r.workload.normalization, "batchnorm");
  EXPECT_EQ(r.workload.scheme.name, "fp32-bn");
  EXPECT_EQ(r.workload.training.batch_size, 1) << "the model's own batch dimension";
}

TEST(Import, EveryUnsupportedNodeIsOneErrorNamingItsOperatorAndTheSupportedList) {
  const std::string model = fixture("unsupported.onnx");
  const auto errors = import_errors(model, {});
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].pointer, "node 1 '/act1/LeakyRelu' (LeakyRelu)");
  EXPECT_EQ(errors[0].found, "LeakyRelu");
  EXPECT_EQ(errors[0].expected, "an operator qtsim has a layer for: " + supported_operators());
  EXPECT_EQ(errors[1].str(), model + ": at node 2 '/conv2/Conv' (Conv): expected no dilation (dilations 1), found dilations [2, 2]");
  EXPECT_EQ(errors[2].str(), model + ": at node 3 '/act2/Clip' (Clip): expected Clip with min 0 and no max (a ReLU), found min 0 "
                                     "and max 6 (that is ReLU6; qtsim's layer library has no clipped ReLU)");
  EXPECT_EQ(errors[3].pointer, "node 7 '/Softmax' (Softmax)");
  EXPECT_EQ(errors[3].found, "Softmax");
  for (const auto& e : errors) EXPECT_EQ(e.file, model);
  for (const char* op : {"Conv", "Gemm", "MatMul", "Relu", "Clip", "MaxPool", "AveragePool", "GlobalAveragePool", "Add",
                         "BatchNormalization", "Flatten", "Reshape", "Dropout", "Identity"})
    EXPECT_NE(supported_operators().find(op), std::string::npos) << op;
}

TEST(Import, AFileThatIsNotAnOnnxModel) {
  const std::string json = (cli_test::source_dir() / "workloads/fmnist-cnn.json").string();
  const auto errors = import_errors(json, {});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].expected, "an ONNX model (a ModelProto in protobuf's binary format)");
  const auto missing = import_errors(fixture("plain-cnm.onnx"), {});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].str(), fixture("plain-cnm.onnx") + ": expected an existing file, found nothing at this path (did you mean '" +
                                  fixture("plain-cnn.onnx") + "'?)");
}

TEST(Import, OptionsTheNetworkDoesNotFit) {
  ImportOptions mnist;
  mnist.dataset = "fashion-mnist";
  auto errors = import_errors(fixture("separable.onnx"), mnist);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].str(), fixture("separable.onnx") + ": at --dataset: expected a model of 1x28x28 inputs and 10 classes for "
                                                         "fashion-mnist, found 3x16x16 inputs and 10 classes (use --dataset synthetic)");
  ImportOptions eoq;
  eoq.scheme = "int8-eoq";
  errors = import_errors(fixture("residual-bn.onnx"), eoq);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "--scheme");
  EXPECT_NE(errors[0].hint.find("--normalization fixup"), std::string::npos) << errors[0].str();
  ImportOptions fixup;
  fixup.normalization = NormalizationChoice::fixup;
  fixup.batch = 2;
  errors = import_errors(fixture("plain-cnn.onnx"), fixup);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].expected, "residual blocks (Fixup initialises residual branches)");
}

TEST(Import, NormalizationNoneRemovesBatchnormAndBiasesTheConvsItNormalized) {
  ImportOptions o;
  o.normalization = NormalizationChoice::none;
  const ImportResult r = import_fixture("residual-bn.onnx", o);
  const ref::Network& net = r.workload.network;
  EXPECT_EQ(r.workload.normalization, "none");
  for (const auto& n : net.nodes) {
    EXPECT_NE(n.op, ref::OpKind::batchnorm) << n.name;
    if (n.op == ref::OpKind::conv2d) {
      EXPECT_TRUE(n.has_bias) << n.name;
    }
  }
  EXPECT_EQ(net.nodes.size(), 12u);
}

TEST(Import, TheWrittenTextIsTheWorkloadTheLoaderRead) {
  ImportOptions o;
  o.normalization = NormalizationChoice::fixup;
  o.batch = 4;
  o.name = "my-net";
  const ImportResult r = import_fixture("residual-bn.onnx", o);
  const workload::Workload again = workload::parse_workload(nlohmann::json::parse(r.text), "again.json");
  EXPECT_EQ(again.name, "my-net");
  EXPECT_EQ(again.network.nodes.size(), r.workload.network.nodes.size());
  EXPECT_EQ(again.source, r.workload.source);
  EXPECT_EQ(again.training.lr.base, 0.01);
  EXPECT_EQ(again.training.momentum, 0.0) << "as the shipped Fixup workloads";
}

}  // namespace
}  // namespace qtsim::import::test
