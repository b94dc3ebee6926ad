#include "report/roofline.h"

#include <gtest/gtest.h>

#include <cmath>

#include "harness/peak/machine_peak_json.h"

namespace edgebench::report {
namespace {

harness::peak::MachinePeak TwoCorePeak() {
  harness::peak::MachinePeak peak;
  peak.isa = "avx2+fma";
  peak.threads_all = 4;
  peak.fma_gflops_1t = 100;
  peak.fma_gflops_all = 250;
  return peak;
}

TEST(RooflineTest, PeakForAThreadCountScalesFromOneThreadUpToAllThreads) {
  const harness::peak::MachinePeak peak = TwoCorePeak();
  EXPECT_DOUBLE_EQ(PeakGflopsFor(peak, 1), 100);
  EXPECT_DOUBLE_EQ(PeakGflopsFor(peak, 2), 200);
  EXPECT_DOUBLE_EQ(PeakGflopsFor(peak, 3), 250);  // capped at what all threads reached
  EXPECT_DOUBLE_EQ(PeakGflopsFor(peak, 4), 250);
  EXPECT_DOUBLE_EQ(PeakGflopsFor(peak, 64), 250);
}

TEST(RooflineTest, AchievedRateIsTwoFlopsPerMacOverTheMedian) {
  // 1.8 GMACs in 36 ms: 3.6 GFLOP / 0.036 s = 100 GFLOP/s; 3.6e9 FLOP / 1.2e8 B = 30.
  const RooflinePoint point = RooflineOf(1'800'000'000, 120'000'000, 0.036, 2, TwoCorePeak());
  EXPECT_NEAR(point.gflops, 100, 1e-9);
  EXPECT_NEAR(point.intensity, 30, 1e-9);
  EXPECT_DOUBLE_EQ(point.peak_gflops, 200);
  EXPECT_NEAR(point.fraction, 0.5, 1e-12);
  const std::vector<Cell> cells = RooflineCells(point);
  ASSERT_EQ(cells.size(), RooflineColumns().size());
  EXPECT_EQ(cells[0].text, "100.0");
  EXPECT_EQ(cells[1].text, "50.0");
  EXPECT_EQ(cells[2].text, "30.0");
}

TEST(RooflineTest, MoreThanThePeakIsNeverPrintedAsAPercentage) {
  const RooflinePoint point = RooflineOf(1'000'000'000, 1, 0.01, 1, TwoCorePeak());  // 200 GF/s
  EXPECT_GT(point.fraction, 1);
  EXPECT_EQ(RooflineCells(point)[1].text, "above peak");
}

TEST(RooflineTest, MissingFiguresShowAsDashes) {
  const RooflinePoint no_peak = RooflineOf(1000, 100, 0.001, 1, std::nullopt);
  EXPECT_TRUE(std::isnan(no_peak.fraction));
  EXPECT_EQ(RooflineCells(no_peak)[1].text, "-");
  const RooflinePoint no_cost = RooflineOf(0, 0, 0.001, 1, TwoCorePeak());
  for (const Cell& cell : RooflineCells(no_cost)) EXPECT_EQ(cell.text, "-");
}

TEST(RooflineTest, RunEnvironmentCarriesThePeakOrNothing) {
  nlohmann::json environment = {{"hostname", "h"}};
  EXPECT_FALSE(MachinePeakOfRun(environment.dump()).has_value());
  EXPECT_FALSE(MachinePeakOfRun("not json").has_value());
  environment["machine_peak"] = {{"isa", 3}};  // damaged: no %peak, no failure
  EXPECT_FALSE(MachinePeakOfRun(environment.dump()).has_value());
  environment["machine_peak"] = harness::peak::ToJson(TwoCorePeak());
  const auto peak = MachinePeakOfRun(environment.dump());
  ASSERT_TRUE(peak.has_value());
  EXPECT_DOUBLE_EQ(peak->fma_gflops_all, 250);
}

}  // namespace
}  // namespace edgebench::report
