#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sensors/sensor_sampler.h"

namespace edgebench::harness {

/// What one sensor source says about one job's measured window. Every figure belongs to
/// `boundary` alone: figures of different boundaries (a CPU package and a board rail)
/// cover different parts of the machine and are never summed or compared.
struct SourceFigures {
  std::string source_id;
  std::string boundary;
  std::string kind;  // sensors::KindName
  std::string unit;  // the source's unit (J for counters)
  /// How the energy was found: "counter-delta" (energy counter difference),
  /// "power-integral" (trapezoid rule over power samples), or "" (temperature, clock).
  std::string method;
  /// Energy sources: over the window, and per inference (window energy / inferences).
  std::optional<double> joules;
  std::optional<double> mj_per_inference;
  /// Mean power over the idle period measured before the job, and the energy per
  /// inference above it: (joules - idle_watts x window) / inferences.
  std::optional<double> idle_watts;
  std::optional<double> idle_subtracted_mj_per_inference;
  std::optional<double> average_watts;
  std::optional<double> peak_watts;
  /// Temperature and clock sources: the value at the window's start and end (the nearest
  /// sample), and its extremes inside it.
  std::optional<double> start_value;
  std::optional<double> end_value;
  std::optional<double> min_value;
  std::optional<double> max_value;
  /// Why a figure is missing (too few samples, the file vanished...); empty when whole.
  std::string problem;
};

/// One source's samples over a job, times in seconds since the measured window began
/// (negative before it: loading and warm-up are sampled too).
struct SensorTrace {
  std::string source_id;
  std::string boundary;
  std::string kind;
  std::string unit;
  std::vector<double> seconds;
  std::vector<double> values;
};

/// The thermal protocol's record for one job.
struct ThermalRecord {
  /// --cooldown-to: the threshold (C), how long the wait took and whether the hottest zone
  /// got below it before the time-out. Absent when no cool-down was asked.
  std::optional<double> cooldown_target_celsius;
  double cooldown_wait_seconds = 0;
  bool cooldown_reached = false;
  /// The throttle rule's verdict over the measured window (thermal_protocol.h).
  bool throttled = false;
  std::string throttle_reason;
  /// Soak only: seconds from the start of measuring until throttling began.
  std::optional<double> time_to_throttle_seconds;
};

/// Everything the parent measured around one job.
struct JobEnergy {
  double window_seconds = 0;
  int64_t inferences = 0;
  double idle_seconds = 0;  // length of the idle measurement before the job (0: none)
  std::vector<SourceFigures> figures;
  std::vector<SensorTrace> traces;
  ThermalRecord thermal;
};

/// Mean power of every energy-capable source (energy counters, power) over [t0, t1] of
/// `samples` (or the part of it the source's readings cover), keyed by source id; sources
/// without a figure are left out.
std::map<std::string, double> IdleWatts(const std::vector<sensors::SensorSample>& samples,
                                        double t0, double t1);

/// The figures of every source in `samples` over the window [t0, t1] holding
/// `inferences` inferences, with idle power from `idle_watts` (IdleWatts) where known.
std::vector<SourceFigures> ComputeFigures(const std::vector<sensors::SensorSample>& samples,
                                          double t0, double t1, int64_t inferences,
                                          const std::map<std::string, double>& idle_watts);

/// Every source's present values, times relative to `origin`.
std::vector<SensorTrace> TracesOf(const std::vector<sensors::SensorSample>& samples, double origin);

/// The figure a one-line summary shows for a job: the energy figure of the preferred
/// boundary (CPU package, then platform, board input rail, GPU, any other), or null.
const SourceFigures* HeadlineEnergy(const std::vector<SourceFigures>& figures);
/// The hottest temperature figure (by max_value), or null.
const SourceFigures* HottestTemperature(const std::vector<SourceFigures>& figures);
/// The clock figure with the lowest min_value, or null.
const SourceFigures* SlowestClock(const std::vector<SourceFigures>& figures);

}  // namespace edgebench::harness
