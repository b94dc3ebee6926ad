#include "harness/energy_figures.h"

#include <algorithm>
#include <cmath>

namespace edgebench::harness {
namespace {

using sensors::SensorKind;

bool MeasuresEnergy(SensorKind kind) {
  return kind == SensorKind::kEnergyCounter || kind == SensorKind::kPower;
}

// The present value nearest to time t, or nothing when the source never read.
std::optional<double> NearestValue(const std::vector<sensors::TimedValue>& series, double t) {
  if (series.empty()) return std::nullopt;
  const auto nearest = std::min_element(series.begin(), series.end(), [t](auto& a, auto& b) {
    return std::abs(a.seconds - t) < std::abs(b.seconds - t);
  });
  return nearest->value;
}

void FillLevels(const std::vector<sensors::TimedValue>& series, double t0, double t1,
                SourceFigures& figures) {
  figures.start_value = NearestValue(series, t0);
  figures.end_value = NearestValue(series, t1);
  for (const sensors::TimedValue& sample : series) {
    if (sample.seconds < t0 || sample.seconds > t1) continue;
    figures.min_value = std::min(figures.min_value.value_or(sample.value), sample.value);
    figures.max_value = std::max(figures.max_value.value_or(sample.value), sample.value);
  }
  // A window shorter than the sampling period holds no sample: its ends stand for it.
  if (!figures.min_value && figures.start_value && figures.end_value) {
    figures.min_value = std::min(*figures.start_value, *figures.end_value);
    figures.max_value = std::max(*figures.start_value, *figures.end_value);
  }
  if (!figures.start_value) figures.problem = "no reading during the job";
}

// The absent reason most recently reported for source `index`, for a figure that could
// not be computed because readings were missing.
std::string LastAbsentReason(const std::vector<sensors::SensorSample>& samples, size_t index) {
  for (auto it = samples.rbegin(); it != samples.rend(); ++it) {
    const sensors::SensorReading& reading = it->readings[index];
    if (!reading.value && !reading.absent_reason.empty()) return reading.absent_reason;
  }
  return {};
}

}  // namespace

std::map<std::string, double> IdleWatts(const std::vector<sensors::SensorSample>& samples,
                                        double t0, double t1) {
  std::map<std::string, double> watts;
  if (samples.empty()) return watts;
  for (size_t i = 0; i < samples.front().readings.size(); ++i) {
    const sensors::SensorInfo& info = *samples.front().readings[i].source;
    if (!MeasuresEnergy(info.kind)) continue;
    // Each source over the part of [t0, t1] it covers: a meter command's first line may
    // come after the idle period began.
    const std::vector<sensors::TimedValue> series = sensors::SeriesOf(samples, i);
    if (series.size() < 2) continue;
    const double from = std::max(t0, series.front().seconds);
    const double to = std::min(t1, series.back().seconds);
    if (!(to > from)) continue;
    const sensors::EnergyResult energy = sensors::EnergyOf(samples, i, from, to);
    if (energy.estimate) watts[info.id] = energy.estimate->average_watts;
  }
  return watts;
}

std::vector<SourceFigures> ComputeFigures(const std::vector<sensors::SensorSample>& samples,
                                          double t0, double t1, int64_t inferences,
                                          const std::map<std::string, double>& idle_watts) {
  std::vector<SourceFigures> all;
  if (samples.empty()) return all;
  for (size_t i = 0; i < samples.front().readings.size(); ++i) {
    const sensors::SensorInfo& info = *samples.front().readings[i].source;
    SourceFigures figures{.source_id = info.id,
                          .boundary = info.boundary,
                          .kind = std::string(sensors::KindName(info.kind)),
                          .unit = info.unit};
    if (MeasuresEnergy(info.kind)) {
      figures.method = info.kind == SensorKind::kEnergyCounter ? "counter-delta" : "power-integral";
      const sensors::EnergyResult energy = sensors::EnergyOf(samples, i, t0, t1);
      if (energy.estimate) {
        figures.joules = energy.estimate->joules;
        figures.average_watts = energy.estimate->average_watts;
        figures.peak_watts = energy.estimate->peak_watts;
        if (inferences > 0) {
          figures.mj_per_inference =
              energy.estimate->joules * 1e3 / static_cast<double>(inferences);
          if (auto idle = idle_watts.find(info.id); idle != idle_watts.end()) {
            figures.idle_watts = idle->second;
            figures.idle_subtracted_mj_per_inference =
                (energy.estimate->joules - idle->second * (t1 - t0)) * 1e3 /
                static_cast<double>(inferences);
          }
        } else {
          figures.problem = "no inferences in the window";
        }
      } else {
        figures.problem = energy.problem;
        const std::string reason = LastAbsentReason(samples, i);
        if (!reason.empty()) figures.problem += " (" + reason + ")";
      }
    } else {
      FillLevels(sensors::SeriesOf(samples, i), t0, t1, figures);
      const std::string reason = LastAbsentReason(samples, i);
      if (!reason.empty()) {
        figures.problem +=
            std::string(figures.problem.empty() ? "" : "; ") + "some readings missing: " + reason;
      }
    }
    all.push_back(std::move(figures));
  }
  return all;
}

std::vector<SensorTrace> TracesOf(const std::vector<sensors::SensorSample>& samples,
                                  double origin) {
  std::vector<SensorTrace> traces;
  if (samples.empty()) return traces;
  for (size_t i = 0; i < samples.front().readings.size(); ++i) {
    const sensors::SensorInfo& info = *samples.front().readings[i].source;
    SensorTrace trace{.source_id = info.id,
                      .boundary = info.boundary,
                      .kind = std::string(sensors::KindName(info.kind)),
                      .unit = info.unit};
    for (const sensors::TimedValue& value : sensors::SeriesOf(samples, i)) {
      trace.seconds.push_back(value.seconds - origin);
      trace.values.push_back(value.value);
    }
    traces.push_back(std::move(trace));
  }
  return traces;
}

const SourceFigures* HeadlineEnergy(const std::vector<SourceFigures>& figures) {
  const auto rank = [](const std::string& boundary) {
    if (boundary.starts_with("cpu-package:")) return 0;
    if (boundary == "platform") return 1;
    if (boundary.starts_with("board-rail:VDD_IN")) return 2;  // a Jetson's board input
    if (boundary.starts_with("gpu:")) return 3;
    if (boundary == "external-meter") return 4;
    return 5;
  };
  const SourceFigures* best = nullptr;
  for (const SourceFigures& f : figures) {
    if (!f.mj_per_inference) continue;
    if (best == nullptr || rank(f.boundary) < rank(best->boundary)) best = &f;
  }
  return best;
}

const SourceFigures* HottestTemperature(const std::vector<SourceFigures>& figures) {
  const SourceFigures* best = nullptr;
  for (const SourceFigures& f : figures) {
    if (f.kind != "temperature" || !f.max_value) continue;
    if (best == nullptr || *f.max_value > *best->max_value) best = &f;
  }
  return best;
}

const SourceFigures* SlowestClock(const std::vector<SourceFigures>& figures) {
  const SourceFigures* best = nullptr;
  for (const SourceFigures& f : figures) {
    if (f.kind != "clock" || !f.min_value) continue;
    if (best == nullptr || *f.min_value < *best->min_value) best = &f;
  }
  return best;
}

}  // namespace edgebench::harness
