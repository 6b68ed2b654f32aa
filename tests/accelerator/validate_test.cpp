// qtsim validate, end to end: the hardware computes every tensor of training
// steps exactly as the reference for each scheme, in every dataflow and array
// size tried, with identical tensors across them; and it fails, naming the
// place, when the hardware's accumulators are narrower than the scheme's.
// (scripts/validate-matrix.sh runs the full 3 schemes x 3 sizes x 3 dataflows x 3 steps.)
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "run_tool.hpp"

namespace qtsim::test {
namespace {

std::string digest_of(const ToolRun& r) {
  std::smatch m;
  return std::regex_search(r.out, m, std::regex("hardware tensor digest: ([0-9a-f]+)")) ? m[1].str() : "";
}

void expect_passes(const ToolRun& r) {
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("validation passed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("MISMATCH"), std::string::npos) << r.out;
}

// Validates `base` (a validate command without --hw) on two hardware
// configurations ("HW.json --dataflow D"): both pass, with identical tensors.
void expect_passes_identically(const std::string& base, const std::string& hw_a, const std::string& hw_b) {
  const ToolRun a = run_qtsim(base + "--hw workloads/hw/" + hw_a);
  const ToolRun b = run_qtsim(base + "--hw workloads/hw/" + hw_b);
  expect_passes(a);
  expect_passes(b);
  EXPECT_FALSE(digest_of(a).empty());
  EXPECT_EQ(digest_of(a), digest_of(b)) << "tensors differ between hardware configurations";
}

TEST(Validate, EoqFixupResNetIdenticalAcrossDataflowsAndSizes) {
  expect_passes_identically("validate workloads/resnet20-cifar-fixup.json --steps 1 --quiet --no-progress ",
                            "int8-fixup-8x8.json --dataflow os", "int8-fixup-32x32.json --dataflow is");
}

TEST(Validate, ShippedEoqWorkloadWithItsPreset) {
  // The accuracy benchmark's int8-eoq workload as shipped (the preset: stochastic
  // errors, 2-sigma weight headroom), on other arrays than validate-matrix.sh's.
  expect_passes_identically("validate workloads/fmnist-resnet-fixup.json --steps 2 --quiet --no-progress ",
                            "int8-fixup-8x8.json --dataflow ws", "int8-fixup-16x16.json --dataflow is");
}

TEST(Validate, WageubnIntegerBatchnormFashionMnist) {
  expect_passes(run_qtsim("validate workloads/fmnist-resnet-bn.json --scheme int8-wageubn --hw workloads/hw/int8-intbn-16x16.json "
                          "--dataflow ws --steps 1 --quiet --no-progress"));
}

TEST(Validate, DfpIntegerBatchnormResNet20) {
  expect_passes(run_qtsim("validate workloads/resnet20-cifar-bn.json --scheme int8-dfp --hw workloads/hw/int8-intbn-8x8.json "
                          "--dataflow is --steps 1 --quiet --no-progress"));
}

TEST(Validate, Fp32BatchnormTwoSteps) {
  const ToolRun r = run_qtsim("validate workloads/fmnist-resnet-bn.json --hw workloads/hw/fp32-bn-16x16.json --steps 2 "
                              "--quiet --no-progress");
  expect_passes(r);
}

// Depthwise (stride 1 and 2) and grouped convolutions: one GEMM per group,
// each reading and writing only its group's channels.
TEST(Validate, DepthwiseAndGroupedConvolutionsIntegerIdenticalAcrossHardware) {
  expect_passes_identically("validate tests/accelerator/workloads/tiny-separable.json --scheme int8-dfp --steps 1 --quiet "
                            "--no-progress ",
                            "int8-intbn-8x8.json --dataflow os", "int8-intbn-16x16.json --dataflow ws");
}

TEST(Validate, DepthwiseAndGroupedConvolutionsFloat) {
  expect_passes(run_qtsim("validate tests/accelerator/workloads/tiny-separable.json --hw workloads/hw/fp32-bn-8x8.json "
                          "--dataflow is --steps 2 --quiet --no-progress"));
}

TEST(Validate, NarrowAccumulatorFailsAtTheLayerThatOverflows) {
  const ToolRun r = run_qtsim("validate workloads/fmnist-resnet-fixup.json --hw workloads/hw/examples/int8-fixup-16x16-acc16.json "
                              "--steps 1 --quiet --no-progress");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("MISMATCH at step 0, layer block1.conv1, tensor block1.conv1/y, index"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("16-bit accumulators saturated"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("validation FAILED"), std::string::npos);
}

}  // namespace
}  // namespace qtsim::test
