// The normalization variants the importer derives are the networks the
// workload loader expands from its residual blocks: node for node the same
// operations, shapes, wiring, initialisation (kind and Fixup gain) and biases.
// residual-bn.onnx is tests/accelerator/workloads/tiny-resnet-bn.json as
// PyTorch exports it; a two-block network checks the gain L^(-1/(2m-2)).
#include <cmath>

#include "import_test_util.hpp"
#include "sim/import/workload_document.hpp"

namespace qtsim::import::test {
namespace {

void expect_same_structure(const ref::Network& got, const ref::Network& want) {
  ASSERT_EQ(got.nodes.size(), want.nodes.size());
  for (std::size_t i = 0; i < got.nodes.size(); ++i) {
    const ref::Node& a = got.nodes[i];
    const ref::Node& b = want.nodes[i];
    SCOPED_TRACE(a.name + " against " + b.name);
    EXPECT_EQ(a.op, b.op);
    EXPECT_EQ(a.out_shape, b.out_shape);
    EXPECT_EQ(a.inputs, b.inputs);
    EXPECT_EQ(a.weight_init.kind, b.weight_init.kind);
    EXPECT_NEAR(a.weight_init.gain, b.weight_init.gain, 1e-12);
    EXPECT_EQ(a.has_bias, b.has_bias);
    EXPECT_EQ(a.groups, b.groups);
    EXPECT_EQ(a.kernel, b.kernel);
    EXPECT_EQ(a.stride, b.stride);
    EXPECT_EQ(a.padding, b.padding);
  }
}

ref::Network loaded(const std::string& test_workload) {
  return workload::load_workload((cli_test::source_dir() / "tests/accelerator/workloads" / test_workload).string()).network;
}

TEST(FixupStructure, FixupVariantOfAResidualBlockWithProjectionIsTheLoadersFixupBlock) {
  ImportOptions o;
  o.normalization = NormalizationChoice::fixup;
  const ImportResult r = import_fixture("residual-bn.onnx", o);
  expect_same_structure(r.workload.network, loaded("tiny-resnet-fixup.json"));
  // The projection reads the block input after the branch's first bias, as in Fixup's code.
  const ref::Network& net = r.workload.network;
  const ref::Node& projection = net.nodes.at(static_cast<std::size_t>(net.find("layer1.layer1.0.downsample.downsample.0.Conv")));
  EXPECT_EQ(net.nodes.at(static_cast<std::size_t>(projection.inputs.at(0))).name, "layer1.layer1.0.conv1.Conv.bias_in");
  EXPECT_EQ(r.workload.normalization, "fixup");
  EXPECT_EQ(r.workload.scheme.name, "int8-eoq");
}

TEST(FixupStructure, KeepIsTheLoadersBatchnormBlock) {
  expect_same_structure(import_fixture("residual-bn.onnx").workload.network, loaded("tiny-resnet-bn.json"));
}

Layer layer(ref::OpKind op, const std::string& name, std::vector<std::string> inputs) {
  Layer l;
  l.op = op;
  l.name = name;
  l.inputs = std::move(inputs);
  l.onnx_node = "node '" + name + "'";
  return l;
}

Layer conv(const std::string& name, const std::string& input) {
  Layer l = layer(ref::OpKind::conv2d, name, {input});
  l.out_channels = 8;
  l.kernel = 3;
  l.padding = 1;
  return l;
}

// stem conv-BN-ReLU, two identity basic blocks, pool, classifier: as a PyTorch export translates.
Translation two_block_network() {
  Translation t;
  LayerGraph& g = t.graph;
  g.append(conv("stem", kNetworkInput));
  g.append(layer(ref::OpKind::batchnorm, "stem.bn", {"stem"}));
  g.append(layer(ref::OpKind::relu, "stem.relu", {"stem.bn"}));
  std::string x = "stem.relu";
  for (const std::string b : {"b1", "b2"}) {
    g.append(conv(b + ".conv1", x));
    g.append(layer(ref::OpKind::batchnorm, b + ".bn1", {b + ".conv1"}));
    g.append(layer(ref::OpKind::relu, b + ".relu1", {b + ".bn1"}));
    g.append(conv(b + ".conv2", b + ".relu1"));
    g.append(layer(ref::OpKind::batchnorm, b + ".bn2", {b + ".conv2"}));
    g.append(layer(ref::OpKind::add, b + ".add", {b + ".bn2", x}));
    g.append(layer(ref::OpKind::relu, b, {b + ".add"}));
    x = b;
  }
  g.append(layer(ref::OpKind::global_avgpool, "pool", {x}));
  g.append(layer(ref::OpKind::flatten, "flatten", {"pool"}));
  Layer fc = layer(ref::OpKind::linear, "fc", {"flatten"});
  fc.out_features = 4;
  fc.bias = true;
  g.append(fc);
  return t;
}

TEST(FixupStructure, TwoBlocksScaleTheFirstBranchConvByOneOverRootTwo) {
  Translation t = two_block_network();
  input::DiagnosticList diags("model.onnx");
  const NormalizationVariant v = apply_normalization(t, NormalizationChoice::fixup, diags);
  ASSERT_TRUE(diags.empty()) << diags.items().at(0).str();
  EXPECT_EQ(v.residual_branches, 2);
  WorkloadSettings s;
  s.name = "two-blocks";
  s.input = {2, 8, 8};
  s.classes = 4;
  s.dataset = "synthetic";
  s.batch = 2;
  s.normalization = v.normalization;
  s.scheme = default_scheme(v.normalization);
  s.source = {{"format", "onnx"}, {"file", "model.onnx"}};
  const ref::Network imported =
      workload::parse_workload(nlohmann::json::parse(workload_document(t.graph, s).dump()), "imported.json").network;

  const nlohmann::json shipped_style = nlohmann::json::parse(R"({
    "name": "two-blocks", "input": {"shape": [2, 8, 8], "classes": 4},
    "dataset": {"type": "synthetic", "train_size": 8, "test_size": 2},
    "network": {"normalization": "fixup", "layers": [
      {"type": "conv", "name": "stem", "out_channels": 8, "kernel": 3, "padding": 1, "normalize": true},
      {"type": "relu", "name": "stem.relu"},
      {"type": "residual_basic", "name": "b1", "out_channels": 8},
      {"type": "residual_basic", "name": "b2", "out_channels": 8},
      {"type": "global_avgpool"}, {"type": "flatten"}, {"type": "linear", "out_features": 4}]},
    "training": {"batch_size": 2, "lr": {"base": 0.01}}, "scheme": "int8-eoq"})");
  expect_same_structure(imported, workload::parse_workload(shipped_style, "shipped-style.json").network);
  const ref::Node& conv1 = imported.nodes.at(static_cast<std::size_t>(imported.find("b2.conv1")));
  EXPECT_NEAR(conv1.weight_init.gain, 1.0 / std::sqrt(2.0), 1e-15) << "L = 2 branches of m = 2 layers: 2^(-1/2)";
  EXPECT_EQ(imported.nodes.at(static_cast<std::size_t>(imported.find("b2.conv2"))).weight_init.kind, ref::InitKind::zeros);
}

TEST(FixupStructure, AnAddThatIsNotAResidualJoinIsReported) {
  // Two branches of one conv each from the same tensor: neither is a shortcut.
  Translation t;
  t.graph.append(conv("a", kNetworkInput));
  t.graph.append(conv("b", kNetworkInput));
  t.graph.append(layer(ref::OpKind::add, "join", {"a", "b"}));
  input::DiagnosticList diags("model.onnx");
  apply_normalization(t, NormalizationChoice::fixup, diags);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].str(),
            "model.onnx: at node 'join': expected a residual join whose shortcut has fewer weight layers than its branch, and at "
            "most one, found 1 and 1 weight layers");
}

}  // namespace
}  // namespace qtsim::import::test
