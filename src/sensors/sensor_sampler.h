#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "sensors/discovery.h"
#include "sensors/energy_integrator.h"

namespace edgebench::sensors {

/// Seconds on CLOCK_MONOTONIC, the clock samples are stamped with: the clock of
/// harness::MonotonicSeconds, system-wide, so sample times and a worker's inference window
/// can be compared directly.
double SteadySeconds();

/// Every source read once. `seconds` is the middle of the reads; `readings` follows the
/// order of the sampler's sources.
struct SensorSample {
  double seconds = 0;
  /// How long reading every source took: each reading is from within seconds +- half
  /// of this (slow I2C monitors or a preempted thread widen it).
  double read_seconds = 0;
  std::vector<SensorReading> readings;
};

/// Reads every source once, now.
SensorSample ReadAll(const SensorSources& sources);

/// Reads sources on its own thread at a fixed rate, on a fixed grid (start + k x period,
/// so slow reads do not make the rate drift; a tick missed entirely is skipped). Start()
/// takes a sample before returning and Stop() one more after the thread has ended, so a
/// window between the two calls is always bracketed.
class SensorSampler {
 public:
  static constexpr std::chrono::milliseconds kDefaultPeriod{50};  // 20 Hz

  explicit SensorSampler(SensorSources sources, std::chrono::nanoseconds period = kDefaultPeriod);
  ~SensorSampler();
  SensorSampler(const SensorSampler&) = delete;
  SensorSampler& operator=(const SensorSampler&) = delete;

  /// Starts sampling; a sampler already running is left as it is.
  void Start();
  /// Stops sampling and returns every sample since Start() (empty if not started).
  std::vector<SensorSample> Stop();

 private:
  void Loop(std::chrono::steady_clock::time_point start);

  SensorSources sources_;
  std::chrono::nanoseconds period_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_requested_ = false;
  std::vector<SensorSample> samples_;
};

/// The present values of source `index` over the samples, absent readings left out.
std::vector<TimedValue> SeriesOf(const std::vector<SensorSample>& samples, size_t index);

/// Energy of source `index` over [t0, t1]: counter integration for energy counters,
/// the trapezoid rule for power; temperatures and clocks have no energy (problem set).
EnergyResult EnergyOf(const std::vector<SensorSample>& samples, size_t index, double t0, double t1);

}  // namespace edgebench::sensors
