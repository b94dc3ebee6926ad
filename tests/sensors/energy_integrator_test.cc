// The integration rules on hand-made samples, with expected values worked out by hand.
#include "sensors/energy_integrator.h"

#include <gtest/gtest.h>

#include <vector>

namespace edgebench::sensors {
namespace {

TEST(EnergyCounter, DifferenceOfInterpolatedCounter) {
  // 10 W constant: the counter gains 1 J every 0.1 s.
  const std::vector<TimedValue> counter = {{0.0, 100.0}, {0.1, 101.0}, {0.2, 102.0}, {0.3, 103.0}};
  const EnergyResult result = IntegrateEnergyCounter(counter, 1000.0, 0.05, 0.25);
  ASSERT_TRUE(result.estimate) << result.problem;
  EXPECT_NEAR(result.estimate->joules, 2.0, 1e-12);
  EXPECT_NEAR(result.estimate->average_watts, 10.0, 1e-9);
  EXPECT_NEAR(result.estimate->peak_watts, 10.0, 1e-9);
  EXPECT_EQ(result.estimate->samples_used, 4u);
  EXPECT_NEAR(result.estimate->longest_gap_seconds, 0.1, 1e-12);
}

TEST(EnergyCounter, WrapsAtTheRange) {
  // Range 10 J: 8 -> 1 is 3 J (8 -> 10 -> 1), then 1 -> 4 is 3 J; 0.1 s apart = 30 W.
  const std::vector<TimedValue> counter = {{1.0, 5.0}, {1.1, 8.0}, {1.2, 1.0}, {1.3, 4.0}};
  const EnergyResult result = IntegrateEnergyCounter(counter, 10.0, 1.0, 1.3);
  ASSERT_TRUE(result.estimate) << result.problem;
  EXPECT_NEAR(result.estimate->joules, 9.0, 1e-12);
  EXPECT_NEAR(result.estimate->average_watts, 30.0, 1e-9);
  // Without a range a decrease cannot be told from a reset.
  const EnergyResult unknown = IntegrateEnergyCounter(counter, std::nullopt, 1.0, 1.3);
  EXPECT_FALSE(unknown.estimate);
  EXPECT_NE(unknown.problem.find("range is unknown"), std::string::npos) << unknown.problem;
}

TEST(EnergyCounter, PeakIsTheBusiestInterval) {
  // 1 J, then 5 J, then 1 J per 0.5 s: 2, 10, 2 W. Window 0.25 .. 1.25 s: half of the
  // first interval (0.5 J), all of the second (5 J), half of the third (0.5 J).
  const std::vector<TimedValue> counter = {{0.0, 0.0}, {0.5, 1.0}, {1.0, 6.0}, {1.5, 7.0}};
  const EnergyResult result = IntegrateEnergyCounter(counter, 100.0, 0.25, 1.25);
  ASSERT_TRUE(result.estimate) << result.problem;
  EXPECT_NEAR(result.estimate->joules, 6.0, 1e-12);
  EXPECT_NEAR(result.estimate->average_watts, 6.0, 1e-9);
  EXPECT_NEAR(result.estimate->peak_watts, 10.0, 1e-9);
}

TEST(PowerIntegral, TrapezoidClippedToTheWindow) {
  // A ramp 0 W at t=0 to 10 W at t=1 (slope 10 W/s): from 0.25 to 0.75 s the energy is
  // 10/2 x (0.75^2 - 0.25^2) = 2.5 J; peak is the ramp at 0.75 s.
  const std::vector<TimedValue> power = {{0.0, 0.0}, {0.5, 5.0}, {1.0, 10.0}};
  const EnergyResult result = IntegratePower(power, 0.25, 0.75);
  ASSERT_TRUE(result.estimate) << result.problem;
  EXPECT_NEAR(result.estimate->joules, 2.5, 1e-12);
  EXPECT_NEAR(result.estimate->average_watts, 5.0, 1e-9);
  EXPECT_NEAR(result.estimate->peak_watts, 7.5, 1e-9);
}

TEST(PowerIntegral, UnevenSamplesAndASpike) {
  // Trapezoids: [0,1] (2+2)/2 = 2 J, [1,1.5] (2+12)/2 x 0.5 = 3.5 J, [1.5,3] (12+2)/2 x 1.5
  // = 10.5 J: 16 J over 3 s.
  const std::vector<TimedValue> power = {{0.0, 2.0}, {1.0, 2.0}, {1.5, 12.0}, {3.0, 2.0}};
  const EnergyResult result = IntegratePower(power, 0.0, 3.0);
  ASSERT_TRUE(result.estimate) << result.problem;
  EXPECT_NEAR(result.estimate->joules, 16.0, 1e-12);
  EXPECT_NEAR(result.estimate->average_watts, 16.0 / 3.0, 1e-12);
  EXPECT_NEAR(result.estimate->peak_watts, 12.0, 1e-12);
  EXPECT_NEAR(result.estimate->longest_gap_seconds, 1.5, 1e-12);
}

TEST(Integration, RefusesWhatItCannotCover) {
  const std::vector<TimedValue> power = {{1.0, 2.0}, {2.0, 2.0}};
  EXPECT_NE(IntegratePower(power, 0.5, 1.5).problem.find("not the window"), std::string::npos);
  EXPECT_NE(IntegratePower(power, 1.5, 2.5).problem.find("not the window"), std::string::npos);
  EXPECT_NE(IntegratePower(power, 1.5, 1.5).problem.find("empty window"), std::string::npos);
  EXPECT_NE(IntegratePower(std::vector<TimedValue>{{1.0, 2.0}}, 1.0, 1.0).problem.find("empty"),
            std::string::npos);
  EXPECT_NE(IntegrateEnergyCounter(std::vector<TimedValue>{{1.0, 2.0}}, 10.0, 0.9, 1.1)
                .problem.find("at least two"),
            std::string::npos);
  const std::vector<TimedValue> unordered = {{2.0, 1.0}, {1.0, 2.0}};
  EXPECT_NE(IntegratePower(unordered, 1.0, 2.0).problem.find("time order"), std::string::npos);
  // The whole span is fine.
  EXPECT_NEAR(IntegratePower(power, 1.0, 2.0).estimate->joules, 2.0, 1e-12);
}

}  // namespace
}  // namespace edgebench::sensors
