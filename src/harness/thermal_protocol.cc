#include "harness/thermal_protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "sensors/throttle_flags.h"

namespace edgebench::harness {
namespace {

using sensors::TimedValue;

// The values of `series` inside [from, to]; the one nearest the segment's middle when
// none falls inside (a segment shorter than the sampling period).
std::vector<double> ValuesIn(const std::vector<TimedValue>& series, double from, double to) {
  std::vector<double> values;
  for (const TimedValue& v : series) {
    if (v.seconds >= from && v.seconds <= to) values.push_back(v.value);
  }
  if (values.empty() && !series.empty()) {
    const double middle = (from + to) / 2;
    values.push_back(std::min_element(series.begin(), series.end(), [&](auto& a, auto& b) {
                       return std::abs(a.seconds - middle) < std::abs(b.seconds - middle);
                     })->value);
  }
  return values;
}

std::optional<double> Mean(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

std::optional<double> Median(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

std::optional<double> HottestCelsius(const sensors::SensorSources& sources) {
  std::optional<double> hottest;
  for (const auto& source : sources) {
    if (source->info().kind != sensors::SensorKind::kTemperature) continue;
    const sensors::SensorReading reading = source->Read();
    if (reading.value) hottest = std::max(hottest.value_or(*reading.value), *reading.value);
  }
  return hottest;
}

CooldownOutcome WaitForCooldown(const sensors::SensorSources& sources, double target_celsius,
                                double timeout_seconds, double poll_seconds,
                                const std::function<void(double)>& sleep) {
  CooldownOutcome outcome;
  const double start = sensors::SteadySeconds();
  while (true) {
    outcome.last_celsius = HottestCelsius(sources);
    outcome.waited_seconds = sensors::SteadySeconds() - start;
    if (!outcome.last_celsius) {
      outcome.problem = "no temperature sensor reads";
      return outcome;
    }
    if (*outcome.last_celsius < target_celsius) {
      outcome.reached = true;
      return outcome;
    }
    if (outcome.waited_seconds >= timeout_seconds) {
      outcome.problem = fmt::format("still {:.1f} C after {:.0f} s (target below {:.1f} C)",
                                    *outcome.last_celsius, outcome.waited_seconds, target_celsius);
      return outcome;
    }
    const double pause = std::min(poll_seconds, timeout_seconds - outcome.waited_seconds);
    if (sleep) {
      sleep(pause);
    } else {
      std::this_thread::sleep_for(std::chrono::duration<double>(pause));
    }
  }
}

ThrottleInputs ThrottleInputsOf(const std::vector<sensors::SensorSample>& samples,
                                const std::vector<double>& latencies, double measure_start) {
  ThrottleInputs inputs;
  if (!samples.empty()) {
    for (const sensors::SensorSample& sample : samples) {
      std::optional<double> hottest;
      for (const sensors::SensorReading& reading : sample.readings) {
        if (reading.source->kind == sensors::SensorKind::kTemperature && reading.value) {
          hottest = std::max(hottest.value_or(*reading.value), *reading.value);
        }
      }
      if (hottest) inputs.hottest_celsius.push_back({sample.seconds, *hottest});
    }
    for (size_t i = 0; i < samples.front().readings.size(); ++i) {
      if (samples.front().readings[i].source->kind != sensors::SensorKind::kClock) continue;
      inputs.clocks_mhz.push_back(sensors::SeriesOf(samples, i));
    }
    for (size_t i = 0; i < samples.front().readings.size(); ++i) {
      const auto& source = samples.front().readings[i].source;
      if (source->kind != sensors::SensorKind::kThrottleFlags) continue;
      inputs.flags.push_back({source, sensors::SeriesOf(samples, i)});
    }
  }
  double t = measure_start;
  for (double latency : latencies) {
    t += latency;
    inputs.latencies.push_back({t, latency});
  }
  return inputs;
}

namespace {

// The board's own word: the first throttle-flags reading in [from, to] with a "now" bit.
std::optional<ThrottleVerdict> ReportedThrottling(const ThrottleInputs& inputs, double from,
                                                  double to) {
  for (const ThrottleInputs::Flags& flags : inputs.flags) {
    for (const sensors::TimedValue& reading : flags.values) {
      if (reading.seconds < from || reading.seconds > to) continue;
      const auto mask = static_cast<uint64_t>(reading.value);
      if (mask & flags.source->throttling_now_mask) {
        return ThrottleVerdict{true,
                               fmt::format("{} reported {}", flags.source->id,
                                           sensors::DescribeThrottleFlags(*flags.source, mask))};
      }
    }
  }
  return std::nullopt;
}

}  // namespace

ThrottleVerdict CompareSegments(const ThrottleInputs& inputs, double base_from, double base_to,
                                double from, double to) {
  if (auto reported = ReportedThrottling(inputs, from, to)) return *reported;
  const auto base_temp = Mean(ValuesIn(inputs.hottest_celsius, base_from, base_to));
  const auto temp = Mean(ValuesIn(inputs.hottest_celsius, from, to));
  if (!base_temp || !temp) return {false, "no temperature readings: throttling not judged"};
  const double rise = *temp - *base_temp;
  std::vector<std::string> signs;
  for (const auto& clock : inputs.clocks_mhz) {
    const auto base = Mean(ValuesIn(clock, base_from, base_to));
    const auto now = Mean(ValuesIn(clock, from, to));
    if (base && now && *base > 0 && *now < *base * (1 - kClockDropFraction)) {
      signs.push_back(fmt::format("clock {:.0f} -> {:.0f} MHz", *base, *now));
      break;
    }
  }
  const auto base_latency = Median(ValuesIn(inputs.latencies, base_from, base_to));
  const auto latency = Median(ValuesIn(inputs.latencies, from, to));
  if (base_latency && latency && *base_latency > 0 &&
      *latency > *base_latency * (1 + kLatencyDriftFraction)) {
    signs.push_back(
        fmt::format("latency {:.3f} -> {:.3f} ms", *base_latency * 1e3, *latency * 1e3));
  }
  std::string seen = fmt::format("temperature {:+.1f} C", rise);
  for (const std::string& sign : signs) seen += ", " + sign;
  return {rise >= kMinTemperatureRise && !signs.empty(), seen};
}

ThrottleVerdict DetectThrottling(const ThrottleInputs& inputs, double t0, double t1) {
  if (!(t1 > t0)) return {false, "no measured window"};
  if (auto reported = ReportedThrottling(inputs, t0, t1)) return *reported;
  const double quarter = (t1 - t0) / 4;
  return CompareSegments(inputs, t0, t0 + quarter, t1 - quarter, t1);
}

std::optional<double> TimeToThrottle(const ThrottleInputs& inputs, double t0, double t1,
                                     double bucket_seconds) {
  if (!(bucket_seconds > 0) || t1 - t0 < 2 * bucket_seconds) return std::nullopt;
  if (ReportedThrottling(inputs, t0, t0 + bucket_seconds)) return 0.0;
  for (double from = t0 + bucket_seconds; from + bucket_seconds <= t1 + 1e-9;
       from += bucket_seconds) {
    if (CompareSegments(inputs, t0, t0 + bucket_seconds, from, from + bucket_seconds).throttled) {
      return from - t0;
    }
  }
  return std::nullopt;
}

}  // namespace edgebench::harness
