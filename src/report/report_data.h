#pragma once

// What `edgebench report` draws: every stored job of one or more results databases,
// pooled across its worker processes, with the device it ran on, plus the source study's
// published numbers as reference devices.

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "harness/job_result.h"
#include "harness/layer_profile.h"
#include "report/report_soak.h"

namespace edgebench::report {

/// A figure no source measured.
inline constexpr double kNotMeasured = std::numeric_limits<double>::quiet_NaN();

/// One configuration measured on one device (its latest run), pooled over repetitions.
struct ReportJob {
  std::string device;      // the run's device label, or a paper device's name
  bool paper = false;      // a number the source study published, not a measurement
  std::string model;       // harness::ModelLabel
  std::string backend;     // harness::BackendLabel (id, with toggles)
  std::string backend_id;  // the bare backend id
  std::string toggles;     // canonical toggles text; empty = defaults
  std::string precision = "fp32";
  std::string wrapper;  // how its workers were started (--wrap, --container); empty = bare
  int threads = 1;
  std::string status;  // harness::JobStatusName
  std::string detail;  // why it failed or is unsupported, or the INVALID verdict reason
  bool valid = false;  // the harness's verdict on the timing
  int64_t samples = 0;
  /// Milliseconds; NaN when not measured (or withheld for too few samples).
  double p50_ms = 0, ci_low_ms = 0, ci_high_ms = 0, p90_ms = 0, min_ms = 0, max_ms = 0;
  /// Start-up phases of the first repetition, milliseconds.
  double process_start_ms = 0, library_load_ms = 0, model_load_ms = 0, prepare_ms = 0,
         first_run_ms = 0;
  bool cold_start = false;
  double peak_rss_mib = 0, footprint_mib = 0;
  int64_t macs = 0, flops = 0, bytes = 0;
  /// The run's measured machine peak at this job's thread count (GFLOP/s); NaN if none.
  double peak_gflops = 0;
  /// Energy per inference of the first energy source measured around the job (first
  /// repetition that has one), with its boundary; NaN / empty without a sensor.
  double energy_mj = kNotMeasured;
  double energy_above_idle_mj = kNotMeasured;
  double average_watts = kNotMeasured;
  std::string energy_boundary;
  double max_celsius = kNotMeasured;  // hottest temperature source inside the window
  /// Graph passes (--opt prune...): the output's mean rel L2 from the unoptimized fp32
  /// model over seeded inputs; NaN when not measured.
  double pass_deviation = kNotMeasured;
  /// The per-layer profile (`edgebench profile` jobs).
  std::optional<harness::LayerProfile> profile;
};

/// A device with its environment as recorded by its latest run.
struct ReportDevice {
  std::string label;
  std::string database;
  std::string cpu;
  std::string environment_json;
  bool paper = false;
  std::string category;  // paper devices: iot-edge, gpu-edge, hpc-cpu ...
};

struct ReportData {
  std::vector<ReportJob> jobs;
  std::vector<ReportDevice> devices;
  std::vector<std::string> databases;
  /// Soak runs (`edgebench soak`), latest first per database.
  std::vector<ReportSoak> soaks;
};

/// Reads every database (read-only). A configuration measured in several runs of one
/// device counts once, from the latest run. With `paper`, the study's latency results are
/// added as jobs of its devices (backend = the study's framework). Throws
/// store::StoreError for a file that is not an edgebench database.
ReportData LoadReportData(const std::vector<std::string>& databases, bool paper);

}  // namespace edgebench::report
