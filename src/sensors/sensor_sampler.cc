#include "sensors/sensor_sampler.h"

#include <time.h>

namespace edgebench::sensors {

double SteadySeconds() {
  // CLOCK_MONOTONIC itself rather than steady_clock: the worker stamps its measured window
  // with CLOCK_MONOTONIC (harness::MonotonicSeconds), and the standard does not promise
  // which clock steady_clock reads.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

SensorSample ReadAll(const SensorSources& sources) {
  SensorSample sample;
  sample.readings.reserve(sources.size());
  const double before = SteadySeconds();
  for (const auto& source : sources) sample.readings.push_back(source->Read());
  const double after = SteadySeconds();
  sample.seconds = 0.5 * (before + after);
  sample.read_seconds = after - before;
  return sample;
}

SensorSampler::SensorSampler(SensorSources sources, std::chrono::nanoseconds period)
    : sources_(std::move(sources)),
      period_(period > std::chrono::nanoseconds::zero() ? period : kDefaultPeriod) {}

SensorSampler::~SensorSampler() { Stop(); }

void SensorSampler::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = false;
  }
  // The first sample is taken here, not on the thread (which may start late on a busy
  // machine), so any window that begins after Start() returns is bracketed.
  samples_.clear();
  samples_.push_back(ReadAll(sources_));
  const auto start = std::chrono::steady_clock::now();
  thread_ = std::thread([this, start] { Loop(start); });
}

std::vector<SensorSample> SensorSampler::Stop() {
  if (!thread_.joinable()) return {};
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  wake_.notify_all();
  thread_.join();
  // Likewise the last: after the stop request, so a window ending before Stop() is
  // bracketed.
  samples_.push_back(ReadAll(sources_));
  return std::move(samples_);
}

void SensorSampler::Loop(std::chrono::steady_clock::time_point start) {
  // Only this thread touches samples_ between Start() and Stop()'s join.
  long long tick = 0;
  std::unique_lock lock(mutex_);
  while (true) {
    const auto now = std::chrono::steady_clock::now();
    // The next grid point still ahead: a late tick is dropped, not bunched up.
    tick = std::max(tick + 1, static_cast<long long>((now - start) / period_) + 1);
    if (wake_.wait_until(lock, start + tick * period_, [this] { return stop_requested_; })) {
      return;
    }
    lock.unlock();
    samples_.push_back(ReadAll(sources_));
    lock.lock();
  }
}

std::vector<TimedValue> SeriesOf(const std::vector<SensorSample>& samples, size_t index) {
  std::vector<TimedValue> series;
  for (const SensorSample& sample : samples) {
    if (index < sample.readings.size() && sample.readings[index].value) {
      series.push_back({sample.seconds, *sample.readings[index].value});
    }
  }
  return series;
}

EnergyResult EnergyOf(const std::vector<SensorSample>& samples, size_t index, double t0,
                      double t1) {
  if (samples.empty() || index >= samples.front().readings.size()) {
    return {std::nullopt, "no such source in the samples"};
  }
  const SensorInfo& info = *samples.front().readings[index].source;
  const std::vector<TimedValue> series = SeriesOf(samples, index);
  switch (info.kind) {
    case SensorKind::kEnergyCounter:
      return IntegrateEnergyCounter(series, info.counter_range_joules, t0, t1);
    case SensorKind::kPower:
      return IntegratePower(series, t0, t1);
    case SensorKind::kTemperature:
    case SensorKind::kClock:
    case SensorKind::kThrottleFlags:
      break;
  }
  return {std::nullopt, info.id + " measures " + std::string(KindName(info.kind)) + ", not energy"};
}

}  // namespace edgebench::sensors
