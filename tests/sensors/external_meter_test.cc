// The external meter: --power-log parsing (hostile input named by line) and the
// --power-cmd reader thread.
#include "sensors/external_meter.h"

#include <gtest/gtest.h>

#include <thread>

#include "sensors/sensor_sampler.h"

namespace edgebench::sensors {
namespace {

TEST(PowerLogTest, ParsesUnixTimesOntoTheMonotonicClock) {
  const PowerLog log = ParsePowerLog(
      "# meter export\r\nunix_time_s,watts\r\n1000.5,10\r\n\r\n1001.5, 12.25\r\n1002,0\n", "m.csv",
      900.0);
  ASSERT_EQ(log.error, "");
  ASSERT_EQ(log.watts.size(), 3u);
  EXPECT_DOUBLE_EQ(log.watts[0].seconds, 100.5);
  EXPECT_DOUBLE_EQ(log.watts[1].seconds, 101.5);
  EXPECT_DOUBLE_EQ(log.watts[1].value, 12.25);
  // Monotonic logs are taken as they are.
  const PowerLog mono = ParsePowerLog("monotonic_s,watts\n5,1\n6,3\n", "m.csv", 900.0);
  ASSERT_EQ(mono.error, "");
  EXPECT_DOUBLE_EQ(mono.watts[0].seconds, 5);
  // Integrating the aligned log: 1 W to 3 W linearly over [5, 6] is 2 J.
  const EnergyResult energy = IntegratePower(mono.watts, 5, 6);
  ASSERT_TRUE(energy.estimate);
  EXPECT_DOUBLE_EQ(energy.estimate->joules, 2);
}

TEST(PowerLogTest, HostileInputIsRefusedNamingTheLine) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "no header"},
      {"time,power\n1,2\n", "line 1: header 'time,power'"},
      {"unix_time_s,watts\n1,2\n2,abc\n", "line 3: power 'abc' is not a number"},
      {"unix_time_s,watts\n1,2\nnan,3\n", "line 3: time 'nan' is not a number"},
      {"unix_time_s,watts\n1,2\n2,inf\n", "line 3: power 'inf' is not a number"},
      {"unix_time_s,watts\n1,2\n2,-1\n", "line 3: power -1 W is out of [0, 1e6]"},
      {"unix_time_s,watts\n1,2\n2,1e9\n", "line 3: power 1000000000 W is out of"},
      {"unix_time_s,watts\n1,2\n1,3\n", "line 3: time does not increase"},
      {"unix_time_s,watts\n1,2,3\n", "line 2: '1,2,3' is not two comma-separated fields"},
      {"unix_time_s,watts\n12\n", "line 2: '12' is not two comma-separated fields"},
      {std::string("unix_time_s,watts\n1,2\n2,\0\n", 27), "line 3: holds a NUL byte"},
      {"unix_time_s,watts\n1,2\n", "fewer than two readings"},
      {"unix_time_s,watts\n1,2\n0x10,3\n", "line 3: time '0x10' is not a number"},
  };
  for (const auto& [text, expected] : cases) {
    const PowerLog log = ParsePowerLog(text, "m.csv", 0);
    EXPECT_TRUE(log.watts.empty()) << text;
    EXPECT_NE(log.error.find(expected), std::string::npos) << text << " -> " << log.error;
    EXPECT_EQ(log.error.rfind("m.csv", 0), 0u) << log.error;
  }
}

TEST(PowerLogTest, MissingFileIsAnError) {
  const PowerLog log = ReadPowerLog("/nonexistent/edgebench/meter.csv");
  EXPECT_NE(log.error.find("/nonexistent/edgebench/meter.csv"), std::string::npos) << log.error;
}

// Polls `source` until `done` holds for its reading or a second passes.
template <typename Predicate>
SensorReading WaitFor(const SensorSource& source, Predicate done) {
  SensorReading reading = source.Read();
  for (int i = 0; i < 200 && !done(reading); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    reading = source.Read();
  }
  return reading;
}

TEST(PowerCommandTest, ReadsLinesAsTheyArriveAndReportsBadOnes) {
  std::string error;
  auto meter = StartPowerCommand(
      "echo 12.5; sleep 0.1; echo 14; sleep 0.1; echo volts; sleep 0.1; echo 3; sleep 5", error);
  ASSERT_TRUE(meter) << error;
  EXPECT_EQ(meter->info().boundary, "external-meter");
  EXPECT_EQ(meter->info().kind, SensorKind::kPower);
  SensorReading reading = WaitFor(*meter, [](auto& r) { return r.value.has_value(); });
  ASSERT_TRUE(reading.value) << reading.absent_reason;
  EXPECT_TRUE(*reading.value == 12.5 || *reading.value == 14) << *reading.value;
  reading = WaitFor(*meter, [](auto& r) { return !r.value; });
  EXPECT_NE(reading.absent_reason.find("line 3: 'volts' is not a power in W"), std::string::npos)
      << reading.absent_reason;
  reading = WaitFor(*meter, [](auto& r) { return r.value.has_value(); });
  ASSERT_TRUE(reading.value) << reading.absent_reason;
  EXPECT_EQ(*reading.value, 3);
  // Destroying the source stops the sleeping command promptly.
  const double before = SteadySeconds();
  meter.reset();
  EXPECT_LT(SteadySeconds() - before, 2.0);
}

TEST(PowerCommandTest, ACommandThatEndsIsReported) {
  std::string error;
  const auto meter = StartPowerCommand("echo 5", error);
  ASSERT_TRUE(meter) << error;
  const SensorReading reading =
      WaitFor(*meter, [](auto& r) { return r.absent_reason.find("ended") != std::string::npos; });
  EXPECT_FALSE(reading.value);
  EXPECT_NE(reading.absent_reason.find("the power command ended"), std::string::npos);
}

}  // namespace
}  // namespace edgebench::sensors
