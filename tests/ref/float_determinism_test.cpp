// The parallel float layers give bit-identical results for any thread count.
#include <gtest/gtest.h>

#include "float_layers_test_util.hpp"
#include "models/ref/ops/batchnorm.hpp"
#include "models/ref/ops/layers_float.hpp"
#include "models/ref/parallel.hpp"

namespace qtsim::ref {
namespace {

using namespace float_test;

struct Outputs {
  std::vector<FTensor> tensors;
  std::vector<std::int64_t> argmax;
};

Outputs run_layers() {
  TestRng rng(2024);
  const Shape shape{4, 13, 9, 9};  // 13 channels / 52 planes: uneven chunks for every thread count
  const FTensor x = random_tensor(shape, rng, -3.0f, 3.0f);
  const FTensor gamma = random_tensor(Shape{13}, rng, 0.5f, 1.5f), beta = random_tensor(Shape{13}, rng, -1.0f, 1.0f);
  Outputs out;
  FTensor running_mean(Shape{13}, 0.0f), running_var(Shape{13}, 1.0f);
  FloatBatchNormSaved saved;
  const FTensor y = batchnorm_forward_train(x, gamma, beta, 1e-5, running_mean, running_var, 0.1, &saved);
  const FloatBatchNormGrads g = batchnorm_backward(random_tensor(shape, rng, -1.0f, 1.0f), gamma, saved);
  out.tensors = {y, running_mean, running_var, saved.xhat, saved.inv_std, g.dx, g.dgamma, g.dbeta,
                 batchnorm_forward_eval(x, gamma, beta, 1e-5, running_mean, running_var)};

  const FTensor pooled = maxpool_forward(x, 3, 2, 1, &out.argmax);
  out.tensors.push_back(pooled);
  out.tensors.push_back(maxpool_backward(random_tensor(pooled.shape, rng, -1.0f, 1.0f), out.argmax, shape));
  const FTensor averaged = avgpool_forward(x, 3, 2, 1);
  out.tensors.push_back(averaged);
  out.tensors.push_back(avgpool_backward(random_tensor(averaged.shape, rng, -1.0f, 1.0f), shape, 3, 2, 1));
  const FTensor global = global_avgpool_forward(x);
  out.tensors.push_back(global);
  out.tensors.push_back(global_avgpool_backward(global, shape));
  return out;
}

TEST(FloatLayersDeterminism, SameBitsForAnyThreadCount) {
  const int saved_threads = thread_count();
  set_thread_count(1);
  const Outputs serial = run_layers();
  for (int threads : {2, 3, 5, 8}) {
    SCOPED_TRACE(::testing::Message() << threads << " threads");
    set_thread_count(threads);
    const Outputs parallel = run_layers();
    EXPECT_EQ(parallel.argmax, serial.argmax);
    ASSERT_EQ(parallel.tensors.size(), serial.tensors.size());
    for (std::size_t i = 0; i < serial.tensors.size(); ++i)
      expect_bitwise_equal(parallel.tensors[i], serial.tensors[i], "output " + std::to_string(i));
  }
  set_thread_count(saved_threads);
}

}  // namespace
}  // namespace qtsim::ref
