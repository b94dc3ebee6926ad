#include "harness/energy_monitor.h"

#include <algorithm>
#include <map>
#include <thread>

#include "harness/thermal_protocol.h"

namespace edgebench::harness {
namespace {

bool AnyEnergySource(const sensors::SensorSources& sources) {
  for (const auto& source : sources) {
    const sensors::SensorKind kind = source->info().kind;
    if (kind == sensors::SensorKind::kEnergyCounter || kind == sensors::SensorKind::kPower) {
      return true;
    }
  }
  return false;
}

// Sources stamping their own readings (an external meter) are integrated over those
// readings, not over the sampler's snapshots of the latest one.
void UseOwnTimestamps(const sensors::SensorSources& sources, double t0, double t1,
                      int64_t inferences, const std::map<std::string, double>& idle,
                      std::vector<SourceFigures>& figures) {
  for (const auto& source : sources) {
    const std::vector<sensors::TimedValue> readings = source->TimedReadings();
    if (readings.empty() || source->info().kind != sensors::SensorKind::kPower) continue;
    for (SourceFigures& f : figures) {
      if (f.source_id != source->info().id) continue;
      const sensors::EnergyResult energy = sensors::IntegratePower(readings, t0, t1);
      f = {.source_id = f.source_id,
           .boundary = f.boundary,
           .kind = f.kind,
           .unit = f.unit,
           .method = "power-integral (readings timestamped on arrival)"};
      if (!energy.estimate || inferences <= 0) {
        f.problem = energy.estimate ? "no inferences in the window" : energy.problem;
        continue;
      }
      f.joules = energy.estimate->joules;
      f.average_watts = energy.estimate->average_watts;
      f.peak_watts = energy.estimate->peak_watts;
      f.mj_per_inference = energy.estimate->joules * 1e3 / static_cast<double>(inferences);
      if (auto found = idle.find(f.source_id); found != idle.end()) {
        f.idle_watts = found->second;
        f.idle_subtracted_mj_per_inference = (energy.estimate->joules - found->second * (t1 - t0)) *
                                             1e3 / static_cast<double>(inferences);
      }
    }
  }
}

// Idle power of the sources stamping their own readings, over [t0, t1] or the part of it
// their readings cover.
void OwnTimestampIdle(const sensors::SensorSources& sources, double t0, double t1,
                      std::map<std::string, double>& idle) {
  for (const auto& source : sources) {
    const std::vector<sensors::TimedValue> readings = source->TimedReadings();
    if (readings.size() < 2 || source->info().kind != sensors::SensorKind::kPower) continue;
    const double from = std::max(t0, readings.front().seconds);
    const double to = std::min(t1, readings.back().seconds);
    if (!(to > from)) continue;
    const sensors::EnergyResult energy = sensors::IntegratePower(readings, from, to);
    if (energy.estimate) idle[source->info().id] = energy.estimate->average_watts;
  }
}

// A meter's next line can come after the job ended: wait (a few of its periods at most)
// until every self-stamping source has a reading at or after `t1`, so the window is bracketed.
void AwaitReadingsAfter(const sensors::SensorSources& sources, double t1) {
  constexpr double kLongestWait = 3.0;
  const double give_up = sensors::SteadySeconds() + kLongestWait;
  for (const auto& source : sources) {
    while (sensors::SteadySeconds() < give_up) {
      const std::vector<sensors::TimedValue> readings = source->TimedReadings();
      if (readings.empty() || readings.back().seconds >= t1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

}  // namespace

JobResult JobEnergyMonitor::Measure(const std::function<JobResult()>& run, JobEnergy& energy,
                                    std::vector<sensors::SensorSample>* raw) const {
  energy = {};
  if (sources_.empty()) return run();
  if (options_.cooldown_to_celsius) {
    const CooldownOutcome cooled = WaitForCooldown(sources_, *options_.cooldown_to_celsius,
                                                   options_.cooldown_timeout_seconds, 0.5, sleep);
    energy.thermal.cooldown_target_celsius = options_.cooldown_to_celsius;
    energy.thermal.cooldown_wait_seconds = cooled.waited_seconds;
    energy.thermal.cooldown_reached = cooled.reached;
    if (!cooled.reached) energy.thermal.throttle_reason = "cool-down: " + cooled.problem;
  }
  std::map<std::string, double> idle;
  if (options_.idle_seconds > 0 && AnyEnergySource(sources_)) {
    sensors::SensorSampler idle_sampler(sources_, options_.period);
    idle_sampler.Start();
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.idle_seconds));
    const std::vector<sensors::SensorSample> samples = idle_sampler.Stop();
    if (samples.size() >= 2) {
      idle = IdleWatts(samples, samples.front().seconds, samples.back().seconds);
      OwnTimestampIdle(sources_, samples.front().seconds, samples.back().seconds, idle);
      energy.idle_seconds = samples.back().seconds - samples.front().seconds;
    }
  }
  sensors::SensorSampler sampler(sources_, options_.period);
  sampler.Start();
  JobResult result = run();
  const double t0 = result.measure_start_s;
  const double t1 = result.measure_end_s;
  if (t1 > t0) AwaitReadingsAfter(sources_, t1);
  const std::vector<sensors::SensorSample> samples = sampler.Stop();
  energy.traces = TracesOf(samples, t1 > t0 ? t0 : samples.front().seconds);
  if (t1 > t0) {
    energy.window_seconds = t1 - t0;
    energy.inferences = static_cast<int64_t>(result.samples.size());
    energy.figures = ComputeFigures(samples, t0, t1, energy.inferences, idle);
    UseOwnTimestamps(sources_, t0, t1, energy.inferences, idle, energy.figures);
    const ThrottleVerdict verdict =
        DetectThrottling(ThrottleInputsOf(samples, result.samples, t0), t0, t1);
    energy.thermal.throttled = verdict.throttled;
    if (!energy.thermal.throttle_reason.empty()) energy.thermal.throttle_reason += "; ";
    energy.thermal.throttle_reason += verdict.reason;
  }
  if (raw != nullptr) *raw = samples;
  return result;
}

}  // namespace edgebench::harness
