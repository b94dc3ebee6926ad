#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace edgebench::sensors {

/// One value at one time; `seconds` on the sampler's clock (steady_clock, which is
/// CLOCK_MONOTONIC like harness::MonotonicSeconds), samples in increasing time.
struct TimedValue {
  double seconds = 0;
  double value = 0;
};

/// Energy over a window and the power figures that follow from it.
struct EnergyEstimate {
  double joules = 0;
  /// joules / (t1 - t0).
  double average_watts = 0;
  /// Counters: the largest mean power of one sampling interval touching the window.
  /// Power samples: the largest sample in the window (or interpolated at its ends).
  double peak_watts = 0;
  /// Samples inside [t0, t1] plus the two that bracket it.
  size_t samples_used = 0;
  /// The longest time between two consecutive samples used: how far the figure leans
  /// on interpolation (absent readings leave gaps).
  double longest_gap_seconds = 0;
};

/// An estimate, or why none can be given (too few samples, window not covered, counter
/// that went backwards without a known range).
struct EnergyResult {
  std::optional<EnergyEstimate> estimate;
  std::string problem;
};

/// Energy from cumulative counter samples (J) over [t0, t1]. The counter is unwrapped:
/// a step from `before` to a smaller `now` is taken as one wrap at `range_joules`, i.e.
/// delta = now - before + range (so the sampling interval must be shorter than one
/// wrap). The unwrapped counter is interpolated linearly to t0 and t1, and the energy is
/// E(t1) - E(t0). The samples must bracket the window: first <= t0 < t1 <= last.
EnergyResult IntegrateEnergyCounter(std::span<const TimedValue> counter_joules,
                                    std::optional<double> range_joules, double t0, double t1);

/// Energy from power samples (W) over [t0, t1]: the trapezoid rule on the samples, the
/// power linearly interpolated at t0 and t1. The samples must bracket the window.
EnergyResult IntegratePower(std::span<const TimedValue> watts, double t0, double t1);

}  // namespace edgebench::sensors
