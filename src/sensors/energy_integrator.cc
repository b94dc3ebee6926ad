#include "sensors/energy_integrator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace edgebench::sensors {
namespace {

double Interpolate(const TimedValue& a, const TimedValue& b, double t) {
  if (b.seconds <= a.seconds) return b.value;
  return a.value + (b.value - a.value) * (t - a.seconds) / (b.seconds - a.seconds);
}

// Why the samples cannot give an estimate over [t0, t1], or empty when they can.
std::string CoverageProblem(std::span<const TimedValue> samples, double t0, double t1) {
  if (!(t1 > t0)) return fmt::format("empty window [{:.6f}, {:.6f}] s", t0, t1);
  if (samples.size() < 2) {
    return fmt::format("{} sample{}: at least two are needed", samples.size(),
                       samples.size() == 1 ? "" : "s");
  }
  for (size_t i = 1; i < samples.size(); ++i) {
    if (!(samples[i].seconds >= samples[i - 1].seconds)) return "samples are not in time order";
  }
  if (samples.front().seconds > t0 || samples.back().seconds < t1) {
    return fmt::format("the samples cover [{:.6f}, {:.6f}] s, not the window [{:.6f}, {:.6f}] s",
                       samples.front().seconds, samples.back().seconds, t0, t1);
  }
  return {};
}

// Indices [first, last] of the samples that bracket [t0, t1]: the last at or before t0
// and the first at or after t1.
std::pair<size_t, size_t> Bracket(std::span<const TimedValue> samples, double t0, double t1) {
  size_t first = 0;
  while (first + 1 < samples.size() && samples[first + 1].seconds <= t0) ++first;
  size_t last = first;
  while (last + 1 < samples.size() && samples[last].seconds < t1) ++last;
  return {first, last};
}

double LongestGap(std::span<const TimedValue> samples, size_t first, size_t last) {
  double gap = 0;
  for (size_t i = first + 1; i <= last; ++i) {
    gap = std::max(gap, samples[i].seconds - samples[i - 1].seconds);
  }
  return gap;
}

}  // namespace

EnergyResult IntegrateEnergyCounter(std::span<const TimedValue> counter_joules,
                                    std::optional<double> range_joules, double t0, double t1) {
  if (std::string problem = CoverageProblem(counter_joules, t0, t1); !problem.empty()) {
    return {std::nullopt, std::move(problem)};
  }
  const auto [first, last] = Bracket(counter_joules, t0, t1);
  // The counter unwrapped from the first bracketing sample on.
  std::vector<TimedValue> unwrapped = {{counter_joules[first].seconds, 0.0}};
  double peak = 0;
  for (size_t i = first + 1; i <= last; ++i) {
    double delta = counter_joules[i].value - counter_joules[i - 1].value;
    if (delta < 0) {
      if (!range_joules || *range_joules <= 0) {
        return {std::nullopt,
                fmt::format("the counter went back from {} to {} J and its range is unknown",
                            counter_joules[i - 1].value, counter_joules[i].value)};
      }
      delta += *range_joules;
    }
    const double dt = counter_joules[i].seconds - counter_joules[i - 1].seconds;
    if (dt > 0) peak = std::max(peak, delta / dt);
    unwrapped.push_back({counter_joules[i].seconds, unwrapped.back().value + delta});
  }
  auto energy_at = [&](double t) {
    size_t i = 1;
    while (i + 1 < unwrapped.size() && unwrapped[i].seconds < t) ++i;
    return Interpolate(unwrapped[i - 1], unwrapped[i], t);
  };
  EnergyEstimate estimate;
  estimate.joules = energy_at(t1) - energy_at(t0);
  estimate.average_watts = estimate.joules / (t1 - t0);
  estimate.peak_watts = peak;
  estimate.samples_used = last - first + 1;
  estimate.longest_gap_seconds = LongestGap(counter_joules, first, last);
  return {estimate, {}};
}

EnergyResult IntegratePower(std::span<const TimedValue> watts, double t0, double t1) {
  if (std::string problem = CoverageProblem(watts, t0, t1); !problem.empty()) {
    return {std::nullopt, std::move(problem)};
  }
  const auto [first, last] = Bracket(watts, t0, t1);
  double joules = 0;
  double peak = -INFINITY;
  for (size_t i = first + 1; i <= last; ++i) {
    const TimedValue& a = watts[i - 1];
    const TimedValue& b = watts[i];
    // The part of this interval inside the window, with the power at its clipped ends.
    const double from = std::max(a.seconds, t0);
    const double to = std::min(b.seconds, t1);
    if (to <= from) continue;
    const double p_from = Interpolate(a, b, from);
    const double p_to = Interpolate(a, b, to);
    joules += 0.5 * (p_from + p_to) * (to - from);
    peak = std::max({peak, p_from, p_to});
  }
  EnergyEstimate estimate;
  estimate.joules = joules;
  estimate.average_watts = joules / (t1 - t0);
  estimate.peak_watts = std::isfinite(peak) ? peak : 0.0;
  estimate.samples_used = last - first + 1;
  estimate.longest_gap_seconds = LongestGap(watts, first, last);
  return {estimate, {}};
}

}  // namespace edgebench::sensors
