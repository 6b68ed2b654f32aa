// The progress line's figures, from made-up counts and times (no wall clock):
// its text, the ETA, the redraw throttle, fitting a terminal's width, and a
// simulation's kernel counts over steps and accelerators.
#include <gtest/gtest.h>

#include "sim/hwsim/run_progress.hpp"
#include "sim/util/progress.hpp"

namespace qtsim::util {
namespace {

TEST(Progress, DurationsReadAsMinutesAndHours) {
  EXPECT_EQ(format_duration(0), "0:00");
  EXPECT_EQ(format_duration(65), "1:05");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-1), "?");
}

TEST(Progress, TheEtaIsTheRemainingWorkAtTheAverageRate) {
  EXPECT_LT(seconds_left(0, 10, 5.0), 0.0) << "unknown before the first item";
  EXPECT_DOUBLE_EQ(seconds_left(5, 10, 5.0), 5.0);
  EXPECT_DOUBLE_EQ(seconds_left(1, 281, 0.5), 140.0);
  EXPECT_DOUBLE_EQ(seconds_left(10, 10, 3.0), 0.0);
}

TEST(Progress, TheLineSaysCountsDetailRateAndEta) {
  EXPECT_EQ(progress_line("simulate", "kernels", 120, 281, "step 1/1  conv2 gemm (forward)", 4.0),
            "simulate 120/281 kernels  30.0/s  ETA 0:05  step 1/1  conv2 gemm (forward)");
  EXPECT_EQ(progress_line("train", "steps", 0, 1407, "epoch 1/3", 0.0), "train 0/1407 steps  0.0/s  ETA ?  epoch 1/3");
  EXPECT_EQ(progress_line("x", "", 3, 4, "", 1.5), "x 3/4  2.0/s  ETA 0:01");
}

TEST(Progress, RedrawsAtMostTenTimesASecondButAlwaysTheLastItem) {
  EXPECT_TRUE(redraw_due(false, false, 0.0)) << "the first update";
  EXPECT_FALSE(redraw_due(true, false, 0.05));
  EXPECT_TRUE(redraw_due(true, false, 0.1));
  EXPECT_TRUE(redraw_due(true, true, 0.0)) << "the last item";
}

TEST(Progress, LinesAreCutToTheTerminalsWidthByCharacter) {
  EXPECT_EQ(fit_to_width("abcdef", 4), "abcd");
  EXPECT_EQ(fit_to_width("abc", 4), "abc");
  EXPECT_EQ(fit_to_width("1 \xC2\xB5s later", 4), "1 \xC2\xB5s") << "a two-byte character counts once and is not split";
}

TEST(RunProgress, CountsKernelsOverTheStepsOfTheRun) {
  hwsim::RunProgress p(1, false);
  hw::KernelLabel conv{"conv1", "gemm", hw::Phase::forward, "A", hw::Unit::mac_array};
  p.step_lowered(0, 0, 3, 10);
  EXPECT_EQ(p.total(), 30);
  for (int i = 0; i < 10; ++i) p.kernel_done(0, conv);
  EXPECT_EQ(p.done(), 10);
  // A step of another size: the steps left are counted at its size.
  p.step_lowered(0, 1, 3, 12);
  EXPECT_EQ(p.total(), 10 + 2 * 12);
  EXPECT_EQ(p.detail(0, conv), "step 2/3  conv1 gemm (forward)");
}

TEST(RunProgress, SeveralAcceleratorsShareOneLine) {
  hwsim::RunProgress p(2, false);
  const hw::KernelLabel loss{"", "softmax-xent", hw::Phase::forward, "E", hw::Unit::vector_unit};
  p.step_lowered(0, 0, 1, 5);
  p.step_lowered(1, 0, 1, 7);
  p.kernel_done(1, loss);
  EXPECT_EQ(p.total(), 12);
  EXPECT_EQ(p.done(), 1);
  EXPECT_EQ(p.detail(1, loss), "2 accelerators  softmax-xent (forward)");
}

}  // namespace
}  // namespace qtsim::util
