// The NVML source against a stand-in libnvidia-ml.so.1 (fake_nvml.cc) loaded through the
// same dlopen path as the real library, pointed to by $EDGEBENCH_NVML_LIBRARY.
#include "sensors/nvml_source.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <map>

#include "sensors/sensor_sampler.h"
#include "sysfs_fixture.h"

namespace edgebench::sensors {
namespace {

class NvmlSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("EDGEBENCH_NVML_LIBRARY", EDGEBENCH_FAKE_NVML, 1);
    setenv("FAKE_NVML_SCRIPT", fixture_.Path("script").c_str(), 1);
    setenv("FAKE_NVML_LOG", fixture_.Path("log").c_str(), 1);
  }
  void TearDown() override {
    unsetenv("EDGEBENCH_NVML_LIBRARY");
    unsetenv("FAKE_NVML_SCRIPT");
    unsetenv("FAKE_NVML_LOG");
  }
  void Script(const std::string& text) { fixture_.Write("script", text); }
  std::string Log() {
    std::ifstream file(fixture_.Path("log"));
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  }

  testing::SysfsFixture fixture_;
};

std::map<std::string, SensorReading> ReadById(const SensorSources& sources) {
  std::map<std::string, SensorReading> readings;
  for (const auto& source : sources) readings[source->info().id] = source->Read();
  return readings;
}

TEST_F(NvmlSourceTest, FindsEachGpusSupportedQuantitiesWithUnitsConverted) {
  Script(
      "count 2\n"
      "name0 Fake-H200\npower_mw0 251500\nenergy_mj0 7000123\ntemp0 61\nsm_clock0 1980\n"
      "throttle0 4\n"
      // The second GPU predates the energy counter and reports no throttle reasons.
      "name1 Fake-T4\npower_mw1 70000\ntemp1 45\nsm_clock1 1590\nthrottle1 0\n");
  std::string why;
  const SensorSources sources = DiscoverNvml(&why);
  ASSERT_EQ(sources.size(), 9u) << why;
  EXPECT_EQ(sources[0]->info().id, "nvml:gpu0:energy");
  EXPECT_EQ(sources[0]->info().kind, SensorKind::kEnergyCounter);
  EXPECT_EQ(sources[0]->info().label, "Fake-H200");
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(sources[i]->info().boundary, "gpu:0");
  for (size_t i = 5; i < 9; ++i) EXPECT_EQ(sources[i]->info().boundary, "gpu:1");
  auto readings = ReadById(sources);
  EXPECT_FALSE(readings.contains("nvml:gpu1:energy"));
  EXPECT_DOUBLE_EQ(*readings["nvml:gpu0:energy"].value, 7000.123);  // mJ -> J
  EXPECT_DOUBLE_EQ(*readings["nvml:gpu0:power"].value, 251.5);      // mW -> W
  EXPECT_DOUBLE_EQ(*readings["nvml:gpu0:temp"].value, 61);
  EXPECT_DOUBLE_EQ(*readings["nvml:gpu0:sm-clock"].value, 1980);
  EXPECT_EQ(readings["nvml:gpu0:sm-clock"].detail, "throttle reasons 0x4");
  EXPECT_EQ(readings["nvml:gpu1:sm-clock"].detail, "");
  EXPECT_DOUBLE_EQ(*readings["nvml:gpu1:power"].value, 70);
  // The reasons are also throttle flags of their own, with NVML's names for the bits.
  EXPECT_EQ(sources[4]->info().kind, SensorKind::kThrottleFlags);
  EXPECT_DOUBLE_EQ(*readings["nvml:gpu0:throttle"].value, 4);
  EXPECT_EQ(readings["nvml:gpu0:throttle"].detail, "SW power cap");
  EXPECT_EQ(readings["nvml:gpu1:throttle"].detail, "none");

  // A reading that starts failing mid-run is an absent value with the NVML code.
  Script("count 2\nname0 Fake-H200\nenergy_mj0 7000123\ntemp0 61\nsm_clock0 1980\n");
  readings = ReadById(sources);
  EXPECT_FALSE(readings["nvml:gpu0:power"].value);
  EXPECT_NE(readings["nvml:gpu0:power"].absent_reason.find("NVML returned 3"), std::string::npos);
  EXPECT_EQ(Log(), "");
}

TEST_F(NvmlSourceTest, ShutsNvmlDownWhenTheLastSourceGoes) {
  Script("count 1\nname0 Fake\npower_mw0 1000\n");
  {
    SensorSources sources = DiscoverNvml();
    ASSERT_EQ(sources.size(), 1u);
    EXPECT_EQ(Log(), "");
  }
  EXPECT_EQ(Log(), "shutdown\n");
}

TEST_F(NvmlSourceTest, MissingLibraryOrFailedInitFindsNothingAndSaysWhy) {
  setenv("EDGEBENCH_NVML_LIBRARY", fixture_.Path("absent/libnvidia-ml.so.1").c_str(), 1);
  std::string why;
  EXPECT_TRUE(DiscoverNvml(&why).empty());
  EXPECT_NE(why.find("absent/libnvidia-ml.so.1"), std::string::npos) << why;

  setenv("EDGEBENCH_NVML_LIBRARY", EDGEBENCH_FAKE_NVML, 1);
  Script("init 9\ncount 1\npower_mw0 1000\n");
  EXPECT_TRUE(DiscoverNvml(&why).empty());
  EXPECT_NE(why.find("nvmlInit_v2 returned 9"), std::string::npos) << why;
  EXPECT_EQ(Log(), "") << "a library that did not initialise is not shut down";

  Script("count 0\n");
  EXPECT_TRUE(DiscoverNvml(&why).empty());
  EXPECT_NE(why.find("0 usable GPUs"), std::string::npos) << why;
}

// The energy counter sampled like any other: the fake's counter grows at 250 W from a
// known epoch, computed when read, so the energy over a window is known exactly.
TEST_F(NvmlSourceTest, SampledEnergyCounterGivesTheKnownPower) {
  const double epoch = SteadySeconds();
  Script(
      "count 1\nname0 Fake\npower_mw0 250000\nenergy_mj0 1000000\nenergy_rate_mw0 250000\n"
      "epoch_ms " +
      std::to_string(static_cast<long long>(epoch * 1e3)) + "\n");
  const SensorSources sources = DiscoverNvml();
  ASSERT_EQ(sources.size(), 2u);
  SensorSampler sampler(sources, std::chrono::milliseconds(5));
  sampler.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::vector<SensorSample> samples = sampler.Stop();
  const double t0 = samples.front().seconds + 0.02, t1 = samples.back().seconds - 0.02;
  const EnergyResult counter = EnergyOf(samples, 0, t0, t1);
  ASSERT_TRUE(counter.estimate) << counter.problem;
  EXPECT_NEAR(counter.estimate->average_watts, 250, 2.5);
  const EnergyResult power = EnergyOf(samples, 1, t0, t1);
  ASSERT_TRUE(power.estimate) << power.problem;
  EXPECT_NEAR(power.estimate->joules, 250 * (t1 - t0), 0.01 * 250 * (t1 - t0));
}

}  // namespace
}  // namespace edgebench::sensors
