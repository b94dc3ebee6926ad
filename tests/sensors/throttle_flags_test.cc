// Throttle flags a board reports: the vcgencmd mask parsed and named, and the source run
// against a stand-in `vcgencmd` script (no Raspberry Pi here) through the same command
// lookup and pipe the real one goes through.
#include "sensors/throttle_flags.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "sysfs_fixture.h"

namespace edgebench::sensors {
namespace {

TEST(ThrottleFlagsTest, ParsesTheGetThrottledMask) {
  EXPECT_EQ(ParseGetThrottled("throttled=0x50005\n"), 0x50005u);
  EXPECT_EQ(ParseGetThrottled("throttled=0x0"), 0u);
  EXPECT_FALSE(ParseGetThrottled("VCHI initialization failed\n"));
  EXPECT_FALSE(ParseGetThrottled("throttled="));
}

TEST(ThrottleFlagsTest, NamesNowAndSinceBootBitsApart) {
  // 0x50005: under-voltage and throttled now; both have happened since boot.
  EXPECT_EQ(DescribeVcgencmdFlags(0x50005),
            "under-voltage now, throttled now; since boot: under-voltage, throttling");
  EXPECT_EQ(DescribeVcgencmdFlags(0x80000), "none; since boot: soft temperature limit");
  EXPECT_EQ(DescribeVcgencmdFlags(0), "none");
  EXPECT_EQ(DescribeNvmlReasons(0x44), "SW power cap, HW thermal slowdown");
  EXPECT_EQ(DescribeNvmlReasons(0x201), "GPU idle, other bits 0x200");
  // Which bits count as throttling now: the four "now" bits; NVML's slow-downs only.
  EXPECT_EQ(kVcgencmdNowMask & 0x50000, 0u);
  EXPECT_EQ(kNvmlThrottlingMask & (0x1 | 0x2 | 0x10 | 0x100), 0u);
  EXPECT_EQ(kNvmlThrottlingMask & 0x40, 0x40u);
}

class VcgencmdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The stand-in prints the mask held in a file the test rewrites, as the firmware's
    // answer changes while the board heats.
    fixture_.Write("mask", "0x0");
    fixture_.Write("bin/vcgencmd",
                   "#!/bin/sh\n[ \"$1\" = get_throttled ] || exit 2\nprintf 'throttled=%s\\n' "
                   "\"$(cat '" +
                       fixture_.Path("mask").string() + "')\"");
    std::filesystem::permissions(fixture_.Path("bin/vcgencmd"), std::filesystem::perms::owner_all);
  }
  void TearDown() override { unsetenv("EDGEBENCH_VCGENCMD"); }

  testing::SysfsFixture fixture_;
};

TEST_F(VcgencmdTest, TheCommandBecomesAThrottleFlagsSourceReadAtMostOnceASecond) {
  setenv("EDGEBENCH_VCGENCMD", fixture_.Path("bin/vcgencmd").c_str(), 1);
  std::string why;
  const SensorSources sources = DiscoverVcgencmd(&why);
  ASSERT_EQ(sources.size(), 1u) << why;
  const SensorInfo& info = sources[0]->info();
  EXPECT_EQ(info.id, "vcgencmd:throttled");
  EXPECT_EQ(info.kind, SensorKind::kThrottleFlags);
  EXPECT_EQ(info.unit, "flags");
  EXPECT_EQ(info.throttling_now_mask, kVcgencmdNowMask);
  SensorReading reading = sources[0]->Read();
  ASSERT_TRUE(reading.value) << reading.absent_reason;
  EXPECT_EQ(*reading.value, 0);
  EXPECT_EQ(reading.detail, "none");

  fixture_.Write("mask", "0x50005");
  reading = sources[0]->Read();  // within the second: the last answer
  EXPECT_EQ(*reading.value, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  reading = sources[0]->Read();
  ASSERT_TRUE(reading.value) << reading.absent_reason;
  EXPECT_EQ(*reading.value, 0x50005);
  EXPECT_NE(reading.detail.find("throttled now"), std::string::npos) << reading.detail;
}

TEST_F(VcgencmdTest, AnAbsentOrBrokenCommandIsNoSourceWithTheReason) {
  setenv("EDGEBENCH_VCGENCMD", fixture_.Path("bin/absent").c_str(), 1);
  std::string why;
  EXPECT_TRUE(DiscoverVcgencmd(&why).empty());
  EXPECT_NE(why.find("not found"), std::string::npos) << why;

  fixture_.Write("bin/broken", "#!/bin/sh\necho 'VCHI initialization failed'\nexit 255");
  std::filesystem::permissions(fixture_.Path("bin/broken"), std::filesystem::perms::owner_all);
  setenv("EDGEBENCH_VCGENCMD", fixture_.Path("bin/broken").c_str(), 1);
  EXPECT_TRUE(DiscoverVcgencmd(&why).empty());
  EXPECT_NE(why.find("gave no mask"), std::string::npos) << why;
  EXPECT_NE(why.find("VCHI initialization failed"), std::string::npos) << why;
}

}  // namespace
}  // namespace edgebench::sensors
