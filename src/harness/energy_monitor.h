#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "harness/energy_figures.h"
#include "harness/job_result.h"
#include "sensors/sensor_sampler.h"

namespace edgebench::harness {

/// How the parent measures energy and heat around each job.
struct EnergyOptions {
  /// Seconds of idle sampling before each job, for idle-subtracted energy; 0 = none.
  /// Skipped when no source measures energy.
  double idle_seconds = 2;
  /// --cooldown-to: wait before each job until the hottest zone is below this (C).
  std::optional<double> cooldown_to_celsius;
  double cooldown_timeout_seconds = 300;
  std::chrono::nanoseconds period = sensors::SensorSampler::kDefaultPeriod;
};

/// Samples the machine's sensors in the parent while a job's worker runs, and turns the
/// samples and the worker's measured window (JobResult::measure_start_s/end_s, on the
/// same CLOCK_MONOTONIC) into the job's energy, power, temperature and clock figures.
class JobEnergyMonitor {
 public:
  JobEnergyMonitor(sensors::SensorSources sources, EnergyOptions options)
      : sources_(std::move(sources)), options_(options) {}

  const sensors::SensorSources& sources() const { return sources_; }

  /// Cools down (if asked), measures idle power (if asked and possible), then calls `run`
  /// with the sensors sampled on their own thread. `energy` gets the figures of the
  /// measured window (none when the job measured nothing) and the sensor traces; `raw`,
  /// when given, every sample taken while `run` ran (soak reports work on them).
  JobResult Measure(const std::function<JobResult()>& run, JobEnergy& energy,
                    std::vector<sensors::SensorSample>* raw = nullptr) const;

  /// Replaces the sleeps of the cool-down wait (tests).
  std::function<void(double)> sleep;

 private:
  sensors::SensorSources sources_;
  EnergyOptions options_;
};

}  // namespace edgebench::harness
