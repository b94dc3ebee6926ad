// The sampler on a fixture tree that changes while it is sampled: a RAPL counter at a
// known constant power that wraps several times, an INA3221-like rail on a known power
// ramp, a thermal zone heating up, a CPU clock dropping, and files that vanish or turn
// unreadable. One sampling run (0.6 s) feeds every test of the suite.
//
// A real sensor is current when read; a fixture file holds what the writer thread last
// wrote, which on a busy machine can be late. The writer logs when it wrote what, so the
// tests put the window's ends on samples the writer had just refreshed and bound the
// rest of the error by the logged lateness (near zero on a quiet machine).
#include "sensors/sensor_sampler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <set>
#include <thread>

#include "harness/monotonic_clock.h"
#include "sysfs_fixture.h"

namespace edgebench::sensors {
namespace {

using testing::SysfsFixture;

// The fixture's known curves, t in seconds since the writer started.
constexpr double kRunSeconds = 0.6;
constexpr double kPackageWatts = 25.0;
constexpr long long kPackageRangeUj = 3'000'000;  // wraps every 0.12 s at 25 W
constexpr long long kPackageStartUj = 2'500'000;
constexpr double kRailVolts = 5.0;
constexpr double kRailSlopeWattsPerSecond = kRailVolts * 2.0 / kRunSeconds;
double RailAmps(double t) { return 1.0 + 2.0 * t / kRunSeconds; }
double RailEnergy(double a, double b) {  // integral of 5 V x (1 + 2t/T) A from a to b
  return kRailVolts * ((b - a) + (b * b - a * a) / kRunSeconds);
}
double ZoneCelsius(double t) { return 40.0 + 20.0 * t / kRunSeconds; }
constexpr double kDramVanishes = 0.4 * kRunSeconds;
constexpr double kHwmonTempUnreadable = 0.5 * kRunSeconds;
constexpr double kClockDrops = 0.5 * kRunSeconds;

const std::string kPackage = "sys/class/powercap/intel-rapl:0/";
const std::string kDram = kPackage + "intel-rapl:0:0/";
const std::string kRail = "sys/class/hwmon/hwmon0/";
const std::string kHwmonTemp = "sys/class/hwmon/hwmon1/temp1_input";
const std::string kZone = "sys/class/thermal/thermal_zone0/";
const std::string kClock = "sys/devices/system/cpu/cpu0/cpufreq/";

// One write of the curves: the curve time it wrote (absolute) and when it was done.
struct WriterStep {
  double curve_seconds;
  double done_seconds;
};

double ReadBegan(const SensorSample& sample) { return sample.seconds - sample.read_seconds / 2; }
double ReadEnded(const SensorSample& sample) { return sample.seconds + sample.read_seconds / 2; }

struct FixtureRun {
  std::unique_ptr<SysfsFixture> fixture;
  SensorSources sources;
  std::vector<SensorSample> samples;
  double start = 0;        // curve time 0, absolute
  double started = 0;      // when Start() returned
  double stop_called = 0;  // when Stop() was called
  std::vector<WriterStep> steps;
  // When each change began and when it was done (absolute; 0: not yet).
  struct Event {
    double began = 0, done = 0;
  };
  Event dram_removed, temp_replaced, clock_dropped;

  // How old the curve values in the files were when `sample` read them, at most: the
  // last write done before the reads began was seen, or a newer one.
  double Staleness(const SensorSample& sample) const {
    double curve = start;
    for (const WriterStep& step : steps) {
      if (step.done_seconds > ReadBegan(sample)) break;
      curve = step.curve_seconds;
    }
    return sample.seconds - curve;
  }
  // The freshest sample with curve time in [from, to].
  const SensorSample& Freshest(double from, double to) const {
    const SensorSample* best = &samples.front();
    double best_staleness = INFINITY;
    for (const SensorSample& sample : samples) {
      const double t = sample.seconds - start;
      if (t < from || t > to) continue;
      if (const double s = Staleness(sample); s < best_staleness) {
        best = &sample;
        best_staleness = s;
      }
    }
    return *best;
  }
};

FixtureRun RunChangingFixture() {
  FixtureRun run;
  run.fixture = std::make_unique<SysfsFixture>();
  const SysfsFixture& f = *run.fixture;
  f.Write(kPackage + "name", "package-0");
  f.Write(kPackage + "max_energy_range_uj", kPackageRangeUj);
  f.Write(kPackage + "energy_uj", kPackageStartUj);
  f.Write(kDram + "name", "dram");
  f.Write(kDram + "max_energy_range_uj", kPackageRangeUj);
  f.Write(kDram + "energy_uj", 1000);
  f.Write(kRail + "name", "ina3221");
  f.Write(kRail + "curr1_label", "VDD_IN");
  f.Write(kRail + "in1_label", "VDD_IN");
  f.Write(kRail + "in1_input", std::llround(kRailVolts * 1000));
  f.Write(kRail + "curr1_input", std::llround(RailAmps(0) * 1000));
  f.Write("sys/class/hwmon/hwmon1/name", "soc_temp");
  f.Write(kHwmonTemp, 35000);
  f.Write(kZone + "type", "soc-thermal");
  f.Write(kZone + "temp", std::llround(ZoneCelsius(0) * 1000));
  f.Write(kClock + "scaling_cur_freq", 1'800'000);
  f.Write(kClock + "scaling_governor", "schedutil");
  run.sources = DiscoverSensors(f.root());

  std::atomic<bool> stop{false};
  run.start = SteadySeconds();
  std::thread writer([&] {
    while (!stop.load()) {
      const double now = SteadySeconds();
      const double t = now - run.start;
      const long long energy_uj =
          (kPackageStartUj + std::llround(kPackageWatts * t * 1e6)) % kPackageRangeUj;
      f.Write(kPackage + "energy_uj", energy_uj);
      f.Write(kRail + "curr1_input", std::llround(RailAmps(t) * 1000));
      f.Write(kZone + "temp", std::llround(ZoneCelsius(t) * 1000));
      if (run.dram_removed.done == 0 && t >= kDramVanishes) {
        run.dram_removed.began = SteadySeconds();
        std::filesystem::remove(f.Path(kDram + "energy_uj"));
        run.dram_removed.done = SteadySeconds();
      }
      if (run.temp_replaced.done == 0 && t >= kHwmonTempUnreadable) {
        run.temp_replaced.began = SteadySeconds();
        std::filesystem::remove(f.Path(kHwmonTemp));
        std::filesystem::create_directory(f.Path(kHwmonTemp));
        run.temp_replaced.done = SteadySeconds();
      }
      if (run.clock_dropped.done == 0 && t >= kClockDrops) {
        run.clock_dropped.began = SteadySeconds();
        f.Write(kClock + "scaling_cur_freq", 800'000);
        run.clock_dropped.done = SteadySeconds();
      }
      run.steps.push_back({now, SteadySeconds()});
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  });
  SensorSampler sampler(run.sources, std::chrono::milliseconds(10));
  sampler.Start();
  run.started = SteadySeconds();
  std::this_thread::sleep_until(std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(run.start + kRunSeconds))));
  run.stop_called = SteadySeconds();
  run.samples = sampler.Stop();
  stop = true;
  writer.join();
  return run;
}

class ChangingFixtureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A second run only when the machine stalled the writer at the window's ends.
    run_ = new FixtureRun(RunChangingFixture());
    if (WindowStaleness(*run_) > 0.003) *run_ = RunChangingFixture();
  }
  static void TearDownTestSuite() { delete run_; }

  // Window ends: the freshest samples early and late in the run.
  static const SensorSample& WindowStart(const FixtureRun& run) {
    return run.Freshest(0.05 * kRunSeconds, 0.35 * kRunSeconds);
  }
  static const SensorSample& WindowEnd(const FixtureRun& run) {
    return run.Freshest(0.65 * kRunSeconds, kRunSeconds);
  }
  static double WindowStaleness(const FixtureRun& run) {
    return std::max(run.Staleness(WindowStart(run)), run.Staleness(WindowEnd(run)));
  }

  static size_t IndexOf(const std::string& id) {
    for (size_t i = 0; i < run_->sources.size(); ++i) {
      if (run_->sources[i]->info().id == id) return i;
    }
    ADD_FAILURE() << "no source " << id;
    return 0;
  }

  static FixtureRun* run_;
};

FixtureRun* ChangingFixtureTest::run_ = nullptr;

TEST_F(ChangingFixtureTest, SamplesBracketStartAndStop) {
  ASSERT_EQ(run_->sources.size(), 6u);
  const auto& samples = run_->samples;
  // 100 Hz for 0.6 s: about 60 samples; a loaded machine may skip ticks.
  EXPECT_GE(samples.size(), 12u);
  EXPECT_LE(samples.size(), 70u);
  EXPECT_LE(samples.front().seconds, run_->started);
  EXPECT_GE(samples.back().seconds, run_->stop_called);
  for (size_t i = 1; i < samples.size(); ++i) {
    EXPECT_GT(samples[i].seconds, samples[i - 1].seconds);
    ASSERT_EQ(samples[i].readings.size(), run_->sources.size());
  }
}

TEST_F(ChangingFixtureTest, WrappingCounterGivesTheKnownEnergy) {
  const double t0 = WindowStart(*run_).seconds;
  const double t1 = WindowEnd(*run_).seconds;
  const EnergyResult result = EnergyOf(run_->samples, IndexOf("rapl:intel-rapl:0"), t0, t1);
  ASSERT_TRUE(result.estimate) << result.problem;
  const double expected = kPackageWatts * (t1 - t0);  // > 2 wraps of the 3 J range
  // 1 %, plus what the writer's lateness at the two ends explains (~0 when quiet).
  const double tolerance = 0.01 * expected + kPackageWatts * WindowStaleness(*run_);
  RecordProperty("window_end_staleness_us", static_cast<int>(WindowStaleness(*run_) * 1e6));
  EXPECT_NEAR(result.estimate->joules, expected, tolerance)
      << "staleness at the ends " << WindowStaleness(*run_) << " s";
  EXPECT_NEAR(result.estimate->average_watts, kPackageWatts, tolerance / (t1 - t0));
  // The busiest 10 ms interval is at least the constant power; how far above depends on
  // how late the writer thread was scheduled, so only a loose ceiling.
  EXPECT_GT(result.estimate->peak_watts, kPackageWatts * 0.99);
  EXPECT_LT(result.estimate->peak_watts, kPackageWatts * 50);
}

TEST_F(ChangingFixtureTest, RailRampIntegratesToTheKnownEnergy) {
  const size_t rail = IndexOf("hwmon0:rail1");
  EXPECT_EQ(run_->sources[rail]->info().boundary, "board-rail:VDD_IN");
  const double t0 = WindowStart(*run_).seconds;
  const double t1 = WindowEnd(*run_).seconds;
  const EnergyResult result = EnergyOf(run_->samples, rail, t0, t1);
  ASSERT_TRUE(result.estimate) << result.problem;
  const double a = t0 - run_->start, b = t1 - run_->start;
  const double expected = RailEnergy(a, b);
  // Every stale reading is low by slope x staleness; their mean bounds the shortfall.
  double staleness_sum = 0;
  size_t count = 0;
  for (const SensorSample& sample : run_->samples) {
    if (sample.seconds < t0 || sample.seconds > t1) continue;
    staleness_sum += run_->Staleness(sample);
    ++count;
  }
  const double mean_staleness = staleness_sum / std::max<size_t>(count, 1);
  const double tolerance =
      0.01 * expected + kRailSlopeWattsPerSecond * (mean_staleness + 0.001) * (b - a);
  RecordProperty("mean_staleness_us", static_cast<int>(mean_staleness * 1e6));
  EXPECT_NEAR(result.estimate->joules, expected, tolerance)
      << "mean staleness " << mean_staleness << " s";
  const double peak = kRailVolts * RailAmps(b);
  EXPECT_NEAR(result.estimate->peak_watts, peak, 0.01 * peak + kRailSlopeWattsPerSecond * 0.003);
}

TEST_F(ChangingFixtureTest, ZoneHeatsUpAndClockDrops) {
  const size_t zone = IndexOf("thermal_zone0");
  size_t readings = 0;
  double previous = -INFINITY;
  for (const SensorSample& sample : run_->samples) {
    const SensorReading& reading = sample.readings[zone];
    ASSERT_TRUE(reading.value) << reading.absent_reason;
    ++readings;
    EXPECT_GE(*reading.value, previous);
    previous = *reading.value;
    // The file lags the curve by the writer's lateness, never leads it.
    const double t = sample.seconds - run_->start;
    EXPECT_LE(*reading.value, ZoneCelsius(ReadEnded(sample) - run_->start) + 0.001);
    EXPECT_GE(*reading.value, ZoneCelsius(t - run_->Staleness(sample)) - 0.001);
  }
  EXPECT_GE(readings, 12u);

  const size_t clock = IndexOf("cpufreq:cpu0");
  std::set<double> clocks;
  for (const SensorSample& sample : run_->samples) {
    const SensorReading& reading = sample.readings[clock];
    ASSERT_TRUE(reading.value) << reading.absent_reason;
    EXPECT_EQ(reading.detail, "schedutil");
    // Reads that ended before the drop began saw 1800, reads that began after it 800.
    if (ReadEnded(sample) < run_->clock_dropped.began) {
      EXPECT_EQ(*reading.value, 1800.0);
    }
    if (ReadBegan(sample) > run_->clock_dropped.done) {
      EXPECT_EQ(*reading.value, 800.0);
    }
    clocks.insert(*reading.value);
  }
  EXPECT_EQ(clocks, (std::set<double>{800.0, 1800.0}));
}

TEST_F(ChangingFixtureTest, VanishingAndUnreadableFilesAreSurvivedAndReported) {
  struct Case {
    std::string id;
    FixtureRun::Event gone;
    std::string reason;
  };
  for (const Case& c : {Case{"rapl:intel-rapl:0:0", run_->dram_removed, "No such file"},
                        Case{"hwmon1:temp1", run_->temp_replaced, "Is a directory"}}) {
    SCOPED_TRACE(c.id);
    ASSERT_GT(c.gone.done, 0);
    const size_t index = IndexOf(c.id);
    size_t present = 0, absent = 0;
    for (const SensorSample& sample : run_->samples) {
      const SensorReading& reading = sample.readings[index];
      if (reading.value) {
        ++present;
        EXPECT_LT(ReadBegan(sample), c.gone.done);
      } else {
        ++absent;
        EXPECT_GT(ReadEnded(sample), c.gone.began);
        EXPECT_NE(reading.absent_reason.find(c.reason), std::string::npos) << reading.absent_reason;
        EXPECT_EQ(reading.source->id, c.id);
      }
    }
    EXPECT_GT(present, 0u);
    EXPECT_GT(absent, 0u);
  }
  // The dram counter has no samples after it vanished: a window there is refused.
  const EnergyResult late = EnergyOf(run_->samples, IndexOf("rapl:intel-rapl:0:0"),
                                     run_->dram_removed.done + 0.1, run_->dram_removed.done + 0.2);
  EXPECT_FALSE(late.estimate);
  EXPECT_NE(late.problem.find("not the window"), std::string::npos) << late.problem;
  EXPECT_NE(EnergyOf(run_->samples, IndexOf("thermal_zone0"), run_->start + 0.2, run_->start + 0.3)
                .problem.find("not energy"),
            std::string::npos);
}

TEST(SensorSampler, DefaultsToTwentyHertzOnTheHarnessClock) {
  EXPECT_EQ(SensorSampler::kDefaultPeriod, std::chrono::milliseconds(50));
  EXPECT_NEAR(SteadySeconds(), harness::MonotonicSeconds(), 0.01);
}

TEST(SensorSampler, StopWithoutStartAndNoSources) {
  SensorSampler idle({});
  EXPECT_TRUE(idle.Stop().empty());
  SensorSampler empty({}, std::chrono::milliseconds(1));
  empty.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::vector<SensorSample> samples = empty.Stop();
  EXPECT_GE(samples.size(), 2u);  // the first at Start, the last at Stop
  for (const SensorSample& sample : samples) EXPECT_TRUE(sample.readings.empty());
}

}  // namespace
}  // namespace edgebench::sensors
