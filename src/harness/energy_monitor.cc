#include "harness/energy_monitor.h"

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
      energy.idle_seconds = samples.back().seconds - samples.front().seconds;
    }
  }
  sensors::SensorSampler sampler(sources_, options_.period);
  sampler.Start();
  JobResult result = run();
  const std::vector<sensors::SensorSample> samples = sampler.Stop();
  const double t0 = result.measure_start_s;
  const double t1 = result.measure_end_s;
  energy.traces = TracesOf(samples, t1 > t0 ? t0 : samples.front().seconds);
  if (t1 > t0) {
    energy.window_seconds = t1 - t0;
    energy.inferences = static_cast<int64_t>(result.samples.size());
    energy.figures = ComputeFigures(samples, t0, t1, energy.inferences, idle);
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
