#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sensors/sensor_sampler.h"

namespace edgebench::harness {

/// The hottest present temperature among `sources` right now (C), or nothing when none
/// reads.
std::optional<double> HottestCelsius(const sensors::SensorSources& sources);

/// How a wait for the machine to cool down ended.
struct CooldownOutcome {
  double waited_seconds = 0;
  bool reached = false;                // the hottest zone went below the target
  std::optional<double> last_celsius;  // the hottest reading last seen
  std::string problem;                 // why it was not reached (time-out, no sensor)
};

/// --cooldown-to: polls the hottest temperature every `poll_seconds` until it is below
/// `target_celsius` or `timeout_seconds` have passed. Without any temperature reading it
/// returns at once, not reached, saying so. `sleep` is replaceable for tests.
CooldownOutcome WaitForCooldown(const sensors::SensorSources& sources, double target_celsius,
                                double timeout_seconds, double poll_seconds = 0.5,
                                const std::function<void(double)>& sleep = {});

/// What the throttle rule looks at, all on one clock (CLOCK_MONOTONIC seconds).
struct ThrottleInputs {
  std::vector<sensors::TimedValue> hottest_celsius;          // hottest zone per sample
  std::vector<std::vector<sensors::TimedValue>> clocks_mhz;  // one series per clock
  std::vector<sensors::TimedValue> latencies;                // each inference at its end
  /// Throttle flags the board reported (sensors/throttle_flags.h), one series per source.
  struct Flags {
    std::shared_ptr<const sensors::SensorInfo> source;
    std::vector<sensors::TimedValue> values;  // the masks, as doubles
  };
  std::vector<Flags> flags;
};

/// The series of `samples` the rule needs, and the inference latencies (seconds, in run
/// order, back to back from `measure_start`) placed at their end times.
ThrottleInputs ThrottleInputsOf(const std::vector<sensors::SensorSample>& samples,
                                const std::vector<double>& latencies, double measure_start);

/// The throttle rule. A segment is throttled when the board itself reported throttling in
/// it (a throttle-flags reading with a "now" bit set), whatever the temperature did.
/// Otherwise a later segment is throttled against a baseline segment when the
/// hottest temperature's mean rose by at least kMinTemperatureRise AND either some
/// clock's mean fell by more than kClockDropFraction or the median latency grew by more
/// than kLatencyDriftFraction. Both halves are needed: a clock that drops while the chip
/// cools is a governor's choice, and latency drift without heat is not thermal.
inline constexpr double kMinTemperatureRise = 2.0;     // C
inline constexpr double kClockDropFraction = 0.05;     // 5 % below the baseline
inline constexpr double kLatencyDriftFraction = 0.05;  // 5 % above the baseline
struct ThrottleVerdict {
  bool throttled = false;
  std::string reason;  // what the rule saw, throttled or not
};
ThrottleVerdict CompareSegments(const ThrottleInputs& inputs, double base_from, double base_to,
                                double from, double to);

/// A job's verdict: throttled when the board reported throttling anywhere in [t0, t1],
/// else the last quarter of [t0, t1] against the first.
ThrottleVerdict DetectThrottling(const ThrottleInputs& inputs, double t0, double t1);

/// A soak's time to throttle: [t0, t1] cut into buckets of `bucket_seconds`; the first
/// bucket throttled against the first one gives the answer, in seconds after t0.
std::optional<double> TimeToThrottle(const ThrottleInputs& inputs, double t0, double t1,
                                     double bucket_seconds);

}  // namespace edgebench::harness
