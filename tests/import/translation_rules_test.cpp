// The operator rules on one node at a time (graphs built here, not read from
// files): what each attribute becomes, and every attribute outside what
// qtsim's layers do is an error naming the node.
#include "import_test_util.hpp"
#include "sim/import/onnx_translation.hpp"

namespace qtsim::import::test {
namespace {

OnnxAttribute ints(std::vector<std::int64_t> v) {
  OnnxAttribute a;
  a.kind = OnnxAttribute::Kind::integers;
  a.integers = std::move(v);
  return a;
}

OnnxAttribute integer(std::int64_t v) {
  OnnxAttribute a;
  a.kind = OnnxAttribute::Kind::integer;
  a.integer = v;
  return a;
}

OnnxAttribute real(double v) {
  OnnxAttribute a;
  a.kind = OnnxAttribute::Kind::real;
  a.real = v;
  return a;
}

OnnxAttribute text(std::string v) {
  OnnxAttribute a;
  a.kind = OnnxAttribute::Kind::text;
  a.text = std::move(v);
  return a;
}

// A graph "x" (1 x 4 x 8 x 8) -> nodes -> the last node's first output.
struct OneGraph {
  OnnxGraph g;
  OneGraph(Dims input = {1, 4, 8, 8}) {
    g.file = "model.onnx";
    g.opset = 14;
    g.input = "x";
    g.input_dims = input;
    g.shapes["x"] = input;
  }
  OnnxNode& add(const std::string& op, const std::string& name, std::vector<std::string> inputs,
                std::map<std::string, OnnxAttribute> attributes = {}) {
    OnnxNode n;
    n.index = static_cast<int>(g.nodes.size());
    n.name = name;
    n.op_type = op;
    n.inputs = std::move(inputs);
    n.outputs = {name + ".out"};
    n.attributes = std::move(attributes);
    g.nodes.push_back(n);
    g.outputs = {name + ".out"};
    return g.nodes.back();
  }
  void constant(const std::string& name, Dims dims, std::vector<double> values = {}) {
    g.constant_dims[name] = std::move(dims);
    if (!values.empty()) g.constant_values[name] = std::move(values);
  }
  // Translates; returns the diagnostics' messages.
  std::vector<std::string> errors(Translation* out = nullptr) {
    input::DiagnosticList diags(g.file);
    Translation t = translate(g, diags);
    std::vector<std::string> messages;
    for (const auto& d : diags.items()) messages.push_back(d.str());
    if (out) *out = std::move(t);
    return messages;
  }
};

TEST(TranslationRules, ConvPaddingMustBeTheSameOnEverySide) {
  OneGraph m;
  m.constant("w", {8, 4, 3, 3});
  m.add("Conv", "c", {"x", "w"}, {{"pads", ints({1, 1, 0, 0})}});
  EXPECT_EQ(m.errors(), std::vector<std::string>{"model.onnx: at node 0 'c' (Conv): expected the same padding on every side "
                                                 "(qtsim pads symmetrically), found pads [1, 1, 0, 0]"});
}

TEST(TranslationRules, ConvAutoPadSameIsSymmetricPaddingWhenItCanBe) {
  OneGraph m;
  m.constant("w", {8, 4, 3, 3});
  m.add("Conv", "c", {"x", "w"}, {{"auto_pad", text("SAME_UPPER")}});
  Translation t;
  ASSERT_TRUE(m.errors(&t).empty());
  EXPECT_EQ(t.graph.at(0).padding, 1);
  OneGraph even;
  even.constant("w", {8, 4, 2, 2});
  even.add("Conv", "c", {"x", "w"}, {{"auto_pad", text("SAME_LOWER")}});
  EXPECT_EQ(even.errors(), std::vector<std::string>{"model.onnx: at node 0 'c' (Conv): expected auto_pad SAME_LOWER that pads "
                                                    "every side the same, found 1 rows and 1 columns of padding in total"});
}

TEST(TranslationRules, ConvWeightsMustBeConstantSquareAndMatchTheGroups) {
  OneGraph computed;
  computed.add("Relu", "r", {"x"});
  computed.add("Conv", "c", {"x", "r.out"});
  EXPECT_EQ(computed.errors(), std::vector<std::string>{"model.onnx: at node 1 'c' (Conv): expected the weights as a constant tensor "
                                                        "(an initializer), found 'r.out', computed by the network"});
  OneGraph rect;
  rect.constant("w", {8, 4, 3, 1});
  rect.add("Conv", "c", {"x", "w"}, {{"pads", ints({1, 0, 1, 0})}});
  EXPECT_EQ(rect.errors().at(0), "model.onnx: at node 0 'c' (Conv): expected a square kernel (qtsim's layers have one kernel size), "
                                 "found kernel [3, 1]");
  OneGraph grouped;
  grouped.constant("w", {8, 1, 3, 3});
  grouped.add("Conv", "c", {"x", "w"}, {{"group", integer(2)}});
  EXPECT_EQ(grouped.errors(), std::vector<std::string>{"model.onnx: at node 0 'c' (Conv): expected weights reading 4 input channels "
                                                       "in 2 group(s) (2 each), found weights [8, 1, 3, 3]"});
}

TEST(TranslationRules, PoolCeilModeOnlyWhereItChangesNothing) {
  OneGraph fits;  // 8 x 8 in windows of 2, stride 2: no partial window
  fits.add("MaxPool", "p", {"x"}, {{"kernel_shape", ints({2, 2})}, {"strides", ints({2, 2})}, {"ceil_mode", integer(1)}});
  EXPECT_TRUE(fits.errors().empty());
  OneGraph odd({1, 4, 7, 7});
  odd.add("MaxPool", "p", {"x"}, {{"kernel_shape", ints({2, 2})}, {"strides", ints({2, 2})}, {"ceil_mode", integer(1)}});
  EXPECT_EQ(odd.errors(), std::vector<std::string>{"model.onnx: at node 0 'p' (MaxPool): expected ceil_mode 0, or ceil_mode 1 where "
                                                   "it does not change the output size (qtsim's pools round down), found ceil_mode 1 "
                                                   "on a 7x7 input"});
}

TEST(TranslationRules, AveragePoolWithPaddingCountsThePadding) {
  OneGraph excluded;
  excluded.add("AveragePool", "p", {"x"}, {{"kernel_shape", ints({3, 3})}, {"pads", ints({1, 1, 1, 1})}});
  EXPECT_EQ(excluded.errors().size(), 1u) << "ONNX's default count_include_pad 0 divides by the real inputs only";
  OneGraph included;
  included.add("AveragePool", "p", {"x"},
               {{"kernel_shape", ints({3, 3})}, {"pads", ints({1, 1, 1, 1})}, {"count_include_pad", integer(1)}});
  Translation t;
  ASSERT_TRUE(included.errors(&t).empty());
  EXPECT_EQ(t.graph.at(0).op, ref::OpKind::avgpool);
  EXPECT_EQ(t.graph.at(0).stride, 1);
}

TEST(TranslationRules, ReshapeKeepingTheBatchIsAFlatten) {
  for (const std::vector<double>& target : {std::vector<double>{0, -1}, {-1, 256}, {1, -1}, {1, 256}}) {
    OneGraph m;
    m.constant("shape", {2}, target);
    m.add("Reshape", "r", {"x", "shape"});
    Translation t;
    EXPECT_TRUE(m.errors(&t).empty()) << target[0] << ", " << target[1];
    if (t.graph.size() == 1) {
      EXPECT_EQ(t.graph.at(0).op, ref::OpKind::flatten);
    }
  }
  OneGraph three;
  three.constant("shape", {3}, {1, 4, 64});
  three.add("Reshape", "r", {"x", "shape"});
  EXPECT_EQ(three.errors(), std::vector<std::string>{"model.onnx: at node 0 'r' (Reshape): expected a reshape to 2-D that keeps the "
                                                     "batch (N x C·H·W, a flatten), found target shape [1, 4, 64]"});
}

TEST(TranslationRules, GemmMustBeAPlainFullyConnectedLayer) {
  OneGraph m({1, 16});
  m.constant("w", {16, 10});
  m.add("Gemm", "fc", {"x", "w"}, {{"transA", integer(1)}});
  EXPECT_EQ(m.errors(), std::vector<std::string>{"model.onnx: at node 0 'fc' (Gemm): expected transA 0 (the input not transposed), "
                                                 "found transA 1"});
  OneGraph scaled({1, 16});
  scaled.constant("w", {10, 16});
  scaled.add("Gemm", "fc", {"x", "w"}, {{"alpha", real(0.5)}, {"transB", integer(1)}});
  EXPECT_EQ(scaled.errors().size(), 1u);
}

TEST(TranslationRules, AConstantAddedToAnythingButAMatMulIsReported) {
  OneGraph m;
  m.constant("b", {1, 4, 1, 1});
  m.add("Relu", "r", {"x"});
  m.add("Add", "a", {"r.out", "b"});
  EXPECT_EQ(m.errors(), std::vector<std::string>{
                            "model.onnx: at node 1 'a' (Add): expected two tensors computed by the network (a residual join), or a "
                            "bias vector added to a MatMul's output, found the constant tensor 'b' [1, 4, 1, 1] added to 'r.out'"});
}

TEST(TranslationRules, OperatorsOfOtherDomainsAreNotSupported) {
  OneGraph m;
  m.add("FusedConv", "f", {"x"}).domain = "com.microsoft";
  const auto errors = m.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("found com.microsoft.FusedConv"), std::string::npos) << errors[0];
}

TEST(TranslationRules, DropoutWhoseMaskIsUsedIsReported) {
  OneGraph m;
  OnnxNode& d = m.add("Dropout", "d", {"x"});
  d.outputs = {"d.out", "d.mask"};
  m.add("Add", "a", {"d.out", "d.mask"});
  const auto errors = m.errors();
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0], "model.onnx: at node 0 'd' (Dropout): expected only its first output used (qtsim's layer computes that one), "
                       "found output 2 'd.mask' read by the network");
}

TEST(TranslationRules, ALayerWhoseOutputNothingReadsIsReported) {
  OneGraph m;
  m.add("Relu", "unused", {"x"});
  m.add("Relu", "r", {"x"});
  EXPECT_EQ(m.errors(), std::vector<std::string>{"model.onnx: at node 0 'unused': expected an output the network uses, found an "
                                                 "output nothing reads (layer 'unused')"});
}

TEST(TranslationRules, LayerNamesAreTheNodeNamesMadeValid) {
  OneGraph m;
  m.add("Relu", "/layer1/layer1.0/relu/Relu", {"x"});
  m.add("Relu", "", {"/layer1/layer1.0/relu/Relu.out"});
  m.add("Relu", "layer1.layer1.0.relu.Relu", {".out"});
  m.add("Relu", "input", {"layer1.layer1.0.relu.Relu.out"});
  m.add("Relu", std::string(70, 'a') + "/b", {"input.out"});
  Translation t;
  ASSERT_TRUE(m.errors(&t).empty());
  std::vector<std::string> names;
  for (const Layer& l : t.graph.layers()) names.push_back(l.name);
  EXPECT_EQ(names, (std::vector<std::string>{"layer1.layer1.0.relu.Relu", "Relu_1", "layer1.layer1.0.relu.Relu_2", "input_2",
                                             std::string(62, 'a') + ".b"}));
}

}  // namespace
}  // namespace qtsim::import::test
