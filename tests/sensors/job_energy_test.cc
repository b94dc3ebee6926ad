// Per-job energy as the parent measures it: JobEnergyMonitor samples sources while a
// stand-in for the worker runs, then turns the worker's measured window into figures.
// Curve sources give each sample's exact value (the expected figures are the curves'
// integrals, worked out here by hand); fixture sysfs trees drive the real discovery and
// file reading for the thermal protocol.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

#include "curve_source.h"
#include "harness/energy_monitor.h"
#include "harness/monotonic_clock.h"
#include "harness/thermal_protocol.h"
#include "sensors/discovery.h"
#include "sensors/throttle_flags.h"
#include "sysfs_fixture.h"

namespace edgebench::harness {
namespace {

using sensors::SensorKind;
using sensors::testing::MakeCurve;
using sensors::testing::SysfsFixture;

void SleepSeconds(double seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

const SourceFigures& FigureOf(const JobEnergy& energy, const std::string& id) {
  for (const SourceFigures& f : energy.figures) {
    if (f.source_id == id) return f;
  }
  throw std::runtime_error("no figure for " + id);
}

TEST(ClockTest, SamplerAndHarnessShareTheMonotonicClock) {
  const double harness_before = MonotonicSeconds();
  const double sampler = sensors::SteadySeconds();
  const double harness_after = MonotonicSeconds();
  EXPECT_LE(harness_before, sampler);
  EXPECT_LE(sampler, harness_after);
}

// The job: idle at 5 W (package) and 2 W (rail) until the worker starts at ts; then the
// package draws 20 W and the rail ramps 2 W + 10 W/s; the zone heats at 40 C/s from 40 C;
// the clock drops from 2000 to 1500 MHz 0.2 s in; one temperature vanishes 0.15 s in.
class JobEnergyMonitorTest : public ::testing::Test {
 protected:
  static constexpr double kIdleWatts = 5, kJobWatts = 20, kRangeJoules = 3;
  static constexpr double kRailIdle = 2, kRailSlope = 10;
  static constexpr double kLoad = 0.05, kWindow = 0.25, kInferences = 100;

  double Start() const { return switch_time_.load(); }

  sensors::SensorSources Sources() {
    const double origin = sensors::SteadySeconds();
    auto after = [this](double t) { return std::max(0.0, t - Start()); };
    return {
        MakeCurve(
            "rapl:pkg", SensorKind::kEnergyCounter, "cpu-package:0",
            [=, this](double t) {
              const double idle_end = std::min(t, Start());
              const double joules = kIdleWatts * (idle_end - origin) + kJobWatts * after(t) + 1.0;
              return std::fmod(joules, kRangeJoules);
            },
            kRangeJoules),
        MakeCurve("hwmon0:rail1", SensorKind::kPower, "board-rail:VDD_IN",
                  [=](double t) { return kRailIdle + kRailSlope * after(t); }),
        MakeCurve("thermal_zone0", SensorKind::kTemperature, "thermal:soc",
                  [=](double t) { return 40 + 40 * after(t); }),
        MakeCurve("hwmon1:temp1", SensorKind::kTemperature, "thermal:board",
                  [=](double t) -> std::optional<double> {
                    if (after(t) > 0.15) return std::nullopt;
                    return 35.0;
                  }),
        MakeCurve("cpufreq:cpu0", SensorKind::kClock, "cpu-core:0",
                  [=](double t) { return after(t) < 0.2 ? 2000.0 : 1500.0; }),
    };
  }

  // The worker stand-in: loads for kLoad s, measures kInferences over kWindow s.
  JobResult Worker(double latency_growth = 0) {
    switch_time_ = sensors::SteadySeconds();
    SleepSeconds(kLoad);
    JobResult result;
    result.status = JobStatus::kOk;
    result.measure_start_s = MonotonicSeconds();
    SleepSeconds(kWindow);
    result.measure_end_s = MonotonicSeconds();
    for (int i = 0; i < kInferences; ++i) {
      result.samples.push_back(kWindow / kInferences * (1 + latency_growth * i / kInferences));
    }
    SleepSeconds(0.03);
    return result;
  }

  std::atomic<double> switch_time_{std::numeric_limits<double>::infinity()};
};

TEST_F(JobEnergyMonitorTest, FiguresFollowTheKnownCurves) {
  const JobEnergyMonitor monitor(Sources(),
                                 {.idle_seconds = 0.15, .period = std::chrono::milliseconds(5)});
  JobEnergy energy;
  const JobResult result = monitor.Measure([&] { return Worker(); }, energy);
  const double t0 = result.measure_start_s, t1 = result.measure_end_s, ts = Start();
  const double window = t1 - t0;
  ASSERT_GT(window, 0);
  EXPECT_NEAR(energy.window_seconds, window, 1e-12);
  EXPECT_EQ(energy.inferences, 100);
  EXPECT_GT(energy.idle_seconds, 0.14);

  // Every figure carries its own source's boundary.
  ASSERT_EQ(energy.figures.size(), 5u);
  EXPECT_EQ(FigureOf(energy, "rapl:pkg").boundary, "cpu-package:0");
  EXPECT_EQ(FigureOf(energy, "hwmon0:rail1").boundary, "board-rail:VDD_IN");
  EXPECT_EQ(FigureOf(energy, "thermal_zone0").boundary, "thermal:soc");

  // Package: 20 W over the window, counted through two wraps of a 3 J counter.
  const SourceFigures& package = FigureOf(energy, "rapl:pkg");
  EXPECT_EQ(package.method, "counter-delta");
  const double package_joules = kJobWatts * window;
  ASSERT_TRUE(package.joules) << package.problem;
  EXPECT_NEAR(*package.joules, package_joules, 0.01 * package_joules);
  EXPECT_NEAR(*package.mj_per_inference, package_joules * 1e3 / 100, 0.01 * package_joules * 10);
  EXPECT_NEAR(*package.average_watts, kJobWatts, 0.01 * kJobWatts);
  // The peak is one sampling interval's mean: a read preempted on a busy machine skews
  // one interval's length, so it gets a wider bound than the window's figures.
  EXPECT_NEAR(*package.peak_watts, kJobWatts, 0.05 * kJobWatts);
  ASSERT_TRUE(package.idle_watts);
  EXPECT_NEAR(*package.idle_watts, kIdleWatts, 0.01 * kIdleWatts);
  const double above_idle = (kJobWatts - kIdleWatts) * window * 1e3 / 100;
  EXPECT_NEAR(*package.idle_subtracted_mj_per_inference, above_idle, 0.01 * above_idle);

  // Rail: the ramp's integral, 2 W (b - a) + 5 W/s ((b - ts)^2 - (a - ts)^2).
  const SourceFigures& rail = FigureOf(energy, "hwmon0:rail1");
  EXPECT_EQ(rail.method, "power-integral");
  const double rail_joules =
      kRailIdle * window + kRailSlope / 2 * ((t1 - ts) * (t1 - ts) - (t0 - ts) * (t0 - ts));
  ASSERT_TRUE(rail.joules) << rail.problem;
  EXPECT_NEAR(*rail.joules, rail_joules, 0.01 * rail_joules);
  EXPECT_NEAR(*rail.peak_watts, kRailIdle + kRailSlope * (t1 - ts), 0.05);
  EXPECT_NEAR(*rail.idle_watts, kRailIdle, 0.01 * kRailIdle);

  // Zone: heating at 40 C/s, read to within a sampling period (5 ms = 0.2 C).
  const SourceFigures& zone = FigureOf(energy, "thermal_zone0");
  EXPECT_NEAR(*zone.start_value, 40 + 40 * (t0 - ts), 0.4);
  EXPECT_NEAR(*zone.end_value, 40 + 40 * (t1 - ts), 0.4);
  EXPECT_NEAR(*zone.max_value, 40 + 40 * (t1 - ts), 0.4);
  EXPECT_FALSE(package.joules && zone.joules) << "temperatures have no energy";

  const SourceFigures& clock = FigureOf(energy, "cpufreq:cpu0");
  EXPECT_EQ(*clock.min_value, 1500);
  EXPECT_EQ(*clock.max_value, 2000);

  // The vanished sensor: what it read before is kept, and the loss is reported.
  const SourceFigures& vanished = FigureOf(energy, "hwmon1:temp1");
  EXPECT_EQ(*vanished.start_value, 35);
  EXPECT_NE(vanished.problem.find("scripted absence"), std::string::npos) << vanished.problem;

  // Heating while the clock dropped: throttled.
  EXPECT_TRUE(energy.thermal.throttled) << energy.thermal.throttle_reason;
  EXPECT_NE(energy.thermal.throttle_reason.find("clock 2000 -> 1500"), std::string::npos)
      << energy.thermal.throttle_reason;

  // Traces: every source, times relative to the window's start, loading included.
  ASSERT_EQ(energy.traces.size(), 5u);
  EXPECT_LT(energy.traces[0].seconds.front(), 0);
  EXPECT_GT(energy.traces[0].seconds.back(), window);

  // The headline of a summary is the package, never a sum with the rail.
  ASSERT_NE(HeadlineEnergy(energy.figures), nullptr);
  EXPECT_EQ(HeadlineEnergy(energy.figures)->source_id, "rapl:pkg");
  EXPECT_EQ(HottestTemperature(energy.figures)->source_id, "thermal_zone0");
  EXPECT_EQ(SlowestClock(energy.figures)->source_id, "cpufreq:cpu0");
}

TEST_F(JobEnergyMonitorTest, NoSourcesMeansNoFiguresAndNoSampling) {
  const JobEnergyMonitor monitor({}, {.idle_seconds = 5});
  JobEnergy energy;
  const double before = sensors::SteadySeconds();
  monitor.Measure([&] { return Worker(); }, energy);
  EXPECT_LT(sensors::SteadySeconds() - before, 1.0) << "no idle wait without sensors";
  EXPECT_TRUE(energy.figures.empty());
  EXPECT_TRUE(energy.traces.empty());
}

TEST_F(JobEnergyMonitorTest, AFailedJobHasTracesButNoFigures) {
  const JobEnergyMonitor monitor(Sources(), {.idle_seconds = 0});
  JobEnergy energy;
  monitor.Measure(
      [&] {
        JobResult failed;
        failed.status = JobStatus::kCrashed;
        return failed;
      },
      energy);
  EXPECT_TRUE(energy.figures.empty());
  EXPECT_EQ(energy.traces.size(), 5u);
}

// The throttle rule on hand-made series: baseline [0, 1), later segment [3, 4].
ThrottleInputs Inputs(double temp_rise, double clock_after, double latency_after) {
  ThrottleInputs inputs;
  inputs.clocks_mhz.emplace_back();
  for (int i = 0; i <= 40; ++i) {
    const double t = i * 0.1;
    inputs.hottest_celsius.push_back({t, 50 + temp_rise * t / 4});
    inputs.clocks_mhz[0].push_back({t, t < 2 ? 2000 : clock_after});
    inputs.latencies.push_back({t, t < 2 ? 0.010 : latency_after});
  }
  return inputs;
}

TEST(ThrottleRuleTest, NeedsHeatAndASlowdown) {
  EXPECT_TRUE(DetectThrottling(Inputs(8, 1500, 0.010), 0, 4).throttled);    // clock drop
  EXPECT_TRUE(DetectThrottling(Inputs(8, 2000, 0.012), 0, 4).throttled);    // latency drift
  EXPECT_FALSE(DetectThrottling(Inputs(8, 2000, 0.010), 0, 4).throttled);   // heat alone
  EXPECT_FALSE(DetectThrottling(Inputs(0, 1500, 0.012), 0, 4).throttled);   // no heat
  EXPECT_FALSE(DetectThrottling(Inputs(8, 1950, 0.0104), 0, 4).throttled);  // within 5 %
  ThrottleInputs no_temperature = Inputs(8, 1500, 0.012);
  no_temperature.hottest_celsius.clear();
  const ThrottleVerdict unjudged = DetectThrottling(no_temperature, 0, 4);
  EXPECT_FALSE(unjudged.throttled);
  EXPECT_NE(unjudged.reason.find("no temperature"), std::string::npos);
}

// The board's own flags decide without any heat: a "now" bit anywhere in the window is
// throttling; sticky since-boot bits and NVML's informational reasons are not.
TEST(ThrottleRuleTest, ABoardReportingThrottlingIsThrottledWhateverTheTemperature) {
  auto with_flags = [](const std::string& id, uint64_t mask_now, double value_at_3_1s) {
    ThrottleInputs inputs = Inputs(0, 2000, 0.010);
    auto info = std::make_shared<sensors::SensorInfo>();
    info->id = id;
    info->kind = sensors::SensorKind::kThrottleFlags;
    info->throttling_now_mask = mask_now;
    ThrottleInputs::Flags flags{info, {}};
    for (int i = 0; i <= 40; ++i) flags.values.push_back({i * 0.1, i == 31 ? value_at_3_1s : 0});
    inputs.flags.push_back(flags);
    return inputs;
  };
  const ThrottleVerdict pi =
      DetectThrottling(with_flags("vcgencmd:throttled", sensors::kVcgencmdNowMask, 0x4), 0, 4);
  EXPECT_TRUE(pi.throttled);
  EXPECT_NE(pi.reason.find("vcgencmd:throttled reported throttled now"), std::string::npos)
      << pi.reason;
  EXPECT_FALSE(
      DetectThrottling(with_flags("vcgencmd:throttled", sensors::kVcgencmdNowMask, 0x50000), 0, 4)
          .throttled);
  EXPECT_TRUE(
      DetectThrottling(with_flags("nvml:gpu0:throttle", sensors::kNvmlThrottlingMask, 0x40), 0, 4)
          .throttled);
  EXPECT_FALSE(
      DetectThrottling(with_flags("nvml:gpu0:throttle", sensors::kNvmlThrottlingMask, 0x1), 0, 4)
          .throttled);
  // A soak's time to throttle is when the flag first shows.
  const std::optional<double> at =
      TimeToThrottle(with_flags("vcgencmd:throttled", sensors::kVcgencmdNowMask, 0x4), 0, 4, 0.5);
  ASSERT_TRUE(at);
  EXPECT_NEAR(*at, 3.0, 1e-9);
}

TEST(ThrottleRuleTest, TimeToThrottleIsTheFirstThrottledBucket) {
  // Heat from the start, clock drop at t = 2: buckets of 0.5 s; [2, 2.5) is the first.
  const std::optional<double> at = TimeToThrottle(Inputs(8, 1500, 0.010), 0, 4, 0.5);
  ASSERT_TRUE(at);
  EXPECT_NEAR(*at, 2.0, 1e-9);
  EXPECT_FALSE(TimeToThrottle(Inputs(8, 2000, 0.010), 0, 4, 0.5));
}

// The thermal protocol through real discovery and file reads: a fixture zone cools from
// 60 C to 40 C while --cooldown-to 45C waits.
TEST(CooldownTest, WaitsUntilTheHottestZoneIsBelowTheTarget) {
  SysfsFixture fixture;
  fixture.Write("sys/class/thermal/thermal_zone0/type", "cpu-thermal");
  fixture.Write("sys/class/thermal/thermal_zone0/temp", 60000);
  fixture.Write("sys/class/thermal/thermal_zone1/type", "gpu-thermal");
  fixture.Write("sys/class/thermal/thermal_zone1/temp", 30000);
  const sensors::SensorSources sources = sensors::DiscoverSensors(fixture.root());
  ASSERT_EQ(sources.size(), 2u);
  std::thread cooler([&] {
    SleepSeconds(0.1);
    fixture.Write("sys/class/thermal/thermal_zone0/temp", 40000);
  });
  const CooldownOutcome outcome = WaitForCooldown(sources, 45, 5, 0.01);
  cooler.join();
  EXPECT_TRUE(outcome.reached) << outcome.problem;
  EXPECT_GE(outcome.waited_seconds, 0.09);
  EXPECT_LT(outcome.waited_seconds, 2);
  EXPECT_EQ(*outcome.last_celsius, 40);
}

TEST(CooldownTest, GivesUpAtTheTimeOutAndSaysWhy) {
  SysfsFixture fixture;
  fixture.Write("sys/class/thermal/thermal_zone0/type", "cpu-thermal");
  fixture.Write("sys/class/thermal/thermal_zone0/temp", 70500);
  const CooldownOutcome outcome =
      WaitForCooldown(sensors::DiscoverSensors(fixture.root()), 45, 0.05, 0.01);
  EXPECT_FALSE(outcome.reached);
  EXPECT_GE(outcome.waited_seconds, 0.05);
  EXPECT_NE(outcome.problem.find("70.5 C"), std::string::npos) << outcome.problem;

  const CooldownOutcome no_sensor = WaitForCooldown({}, 45, 10, 0.01);
  EXPECT_FALSE(no_sensor.reached);
  EXPECT_LT(no_sensor.waited_seconds, 1);
  EXPECT_NE(no_sensor.problem.find("no temperature"), std::string::npos);
}

// A fixture tree heating up with its clock dropping while a job runs: the monitor reads it
// through real discovery and flags the job throttled; a zone made unreadable mid-job is
// survived and reported.
TEST(FixtureJobTest, HeatingTreeWithDroppingClockIsThrottled) {
  SysfsFixture fixture;
  const std::string zone = "sys/class/thermal/thermal_zone0/";
  const std::string other = "sys/class/thermal/thermal_zone1/";
  const std::string clock = "sys/devices/system/cpu/cpu0/cpufreq/";
  fixture.Write(zone + "type", "soc-thermal");
  fixture.Write(zone + "temp", 50000);
  fixture.Write(other + "type", "board-thermal");
  fixture.Write(other + "temp", 30000);
  fixture.Write(clock + "scaling_cur_freq", 1800000);
  fixture.Write(clock + "scaling_governor", "schedutil");
  const JobEnergyMonitor monitor(sensors::DiscoverSensors(fixture.root()),
                                 {.idle_seconds = 0, .period = std::chrono::milliseconds(5)});
  JobEnergy energy;
  monitor.Measure(
      [&] {
        JobResult result;
        result.status = JobStatus::kOk;
        result.measure_start_s = MonotonicSeconds();
        for (int step = 1; step <= 20; ++step) {
          SleepSeconds(0.01);
          fixture.Write(zone + "temp", 50000 + step * 500);  // to 60 C
          if (step == 12) fixture.Write(clock + "scaling_cur_freq", 1200000);
          if (step == 10) std::filesystem::remove(fixture.Path(other + "temp"));
          result.samples.push_back(0.01);
        }
        SleepSeconds(0.01);
        result.measure_end_s = MonotonicSeconds();
        return result;
      },
      energy);
  EXPECT_TRUE(energy.thermal.throttled) << energy.thermal.throttle_reason;
  const SourceFigures& hot = FigureOf(energy, "thermal_zone0");
  EXPECT_NEAR(*hot.max_value, 60, 0.51);
  EXPECT_EQ(*FigureOf(energy, "cpufreq:cpu0").min_value, 1200);
  const SourceFigures& gone = FigureOf(energy, "thermal_zone1");
  EXPECT_EQ(*gone.start_value, 30);
  EXPECT_NE(gone.problem.find("No such file"), std::string::npos) << gone.problem;
}

// A meter whose readings carry their own arrival times: a 10 W + 20 W/s ramp read every
// 10 ms. Its latest-value snapshot is deliberately wrong (999 W): the figures must come from
// the timestamped readings.
class TimestampedMeter final : public sensors::SensorSource {
 public:
  explicit TimestampedMeter(double origin)
      : SensorSource({.id = "external-meter:cmd",
                      .kind = SensorKind::kPower,
                      .unit = "W",
                      .boundary = "external-meter"}),
        origin_(origin) {}
  sensors::SensorReading Read() const noexcept override { return Present(999); }
  std::vector<sensors::TimedValue> TimedReadings() const override {
    std::vector<sensors::TimedValue> readings;
    for (int k = -100; k <= 300; ++k) {
      const double t = origin_ + k * 0.01;
      if (t <= sensors::SteadySeconds()) readings.push_back({t, 10 + 20 * (t - origin_)});
    }
    return readings;
  }

 private:
  double origin_;
};

TEST(TimestampedMeterTest, EnergyComesFromTheMetersOwnReadings) {
  const double origin = sensors::SteadySeconds();
  const JobEnergyMonitor monitor({std::make_shared<TimestampedMeter>(origin)},
                                 {.idle_seconds = 0.1, .period = std::chrono::milliseconds(5)});
  JobEnergy energy;
  const JobResult result = monitor.Measure(
      [&] {
        JobResult r;
        r.status = JobStatus::kOk;
        r.measure_start_s = MonotonicSeconds();
        SleepSeconds(0.2);
        r.measure_end_s = MonotonicSeconds();
        r.samples.assign(40, 0.005);
        SleepSeconds(0.03);
        return r;
      },
      energy);
  const double a = result.measure_start_s - origin, b = result.measure_end_s - origin;
  const double joules = 10 * (b - a) + 10 * (b * b - a * a);  // integral of 10 + 20 t
  const SourceFigures& meter = FigureOf(energy, "external-meter:cmd");
  EXPECT_EQ(meter.boundary, "external-meter");
  ASSERT_TRUE(meter.joules) << meter.problem;
  EXPECT_NEAR(*meter.joules, joules, 0.01 * joules);
  EXPECT_NEAR(*meter.mj_per_inference, joules * 1e3 / 40, 0.01 * joules * 1e3 / 40);
  EXPECT_NEAR(*meter.peak_watts, 10 + 20 * b, 0.01);
  ASSERT_TRUE(meter.idle_watts);
  EXPECT_LT(*meter.idle_watts, 15) << "idle from the readings, not the 999 W snapshot";
}

// The same through real files: a fixture RAPL package counter at 25 W wrapping every
// 0.12 s and an INA3221 rail at 2 A x 5 V, written by a thread while the job runs. A
// fixture file holds what the writer last wrote, so the counter's figure may be off by
// the writer's longest pause at each end of the window; that bound is measured and added
// to the 1 % (the rail's constant power is immune to it).
TEST(FixtureJobTest, WrappingRaplCounterAndInaRailGiveTheKnownEnergy) {
  SysfsFixture fixture;
  const std::string package = "sys/class/powercap/intel-rapl:0/";
  const std::string rail = "sys/class/hwmon/hwmon0/";
  constexpr double kWatts = 25, kRangeUj = 3'000'000;
  fixture.Write(package + "name", "package-0");
  fixture.Write(package + "max_energy_range_uj", static_cast<long long>(kRangeUj));
  fixture.Write(package + "energy_uj", 2'900'000);
  fixture.Write(rail + "name", "ina3221");
  fixture.Write(rail + "in1_label", "VDD_IN");
  fixture.Write(rail + "in1_input", 5000);
  fixture.Write(rail + "curr1_input", 2000);
  const sensors::SensorSources sources = sensors::DiscoverSensors(fixture.root());
  ASSERT_EQ(sources.size(), 2u);
  std::atomic<bool> stop{false};
  double longest_pause = 0;
  const double origin = sensors::SteadySeconds();
  std::thread writer([&] {
    double last = origin;
    while (!stop) {
      const double now = sensors::SteadySeconds();
      fixture.Write(
          package + "energy_uj",
          static_cast<long long>(std::fmod(2'900'000 + kWatts * 1e6 * (now - origin), kRangeUj)));
      const double done = sensors::SteadySeconds();
      longest_pause = std::max(longest_pause, done - last);
      last = done;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  });
  const JobEnergyMonitor monitor(sources,
                                 {.idle_seconds = 0, .period = std::chrono::milliseconds(5)});
  JobEnergy energy;
  const JobResult result = monitor.Measure(
      [&] {
        JobResult r;
        r.status = JobStatus::kOk;
        SleepSeconds(0.02);
        r.measure_start_s = MonotonicSeconds();
        SleepSeconds(0.3);
        r.measure_end_s = MonotonicSeconds();
        r.samples.assign(60, 0.005);
        SleepSeconds(0.02);
        return r;
      },
      energy);
  stop = true;
  writer.join();
  const double window = result.measure_end_s - result.measure_start_s;
  const SourceFigures& counter = FigureOf(energy, "rapl:intel-rapl:0");
  ASSERT_TRUE(counter.joules) << counter.problem;
  EXPECT_EQ(counter.boundary, "cpu-package:0");
  const double expected = kWatts * window;
  EXPECT_NEAR(*counter.joules, expected, 0.01 * expected + 2 * kWatts * longest_pause)
      << "writer's longest pause " << longest_pause << " s";
  EXPECT_NEAR(*counter.mj_per_inference, *counter.joules * 1e3 / 60, 1e-9);
  const SourceFigures& ina = FigureOf(energy, "hwmon0:rail1");
  EXPECT_EQ(ina.boundary, "board-rail:VDD_IN");
  ASSERT_TRUE(ina.joules) << ina.problem;
  EXPECT_NEAR(*ina.joules, 10 * window, 0.01 * 10 * window);
  EXPECT_NEAR(*ina.average_watts, 10, 0.1);
}

}  // namespace
}  // namespace edgebench::harness
