#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "harness/layer_profile.h"

namespace edgebench::harness {

/// How a job ended. Every outcome is a result worth storing; none aborts a run.
enum class JobStatus {
  kOk,            // timed, and its output verified (or verification was waived)
  kUnsupported,   // the backend cannot run this model (reason in `error`)
  kUnavailable,   // the backend's library is missing on this machine
  kVerifyFailed,  // output disagreed with the reference; timing refused
  kFailed,        // the backend reported an error
  kCrashed,       // the worker died from a signal (segfault, abort, ...)
  kExited,        // the worker called exit() with a non-zero code
  kTimeout,       // the worker exceeded the per-job time-out and was killed
  kOutOfMemory,   // the worker hit the memory cap (resident or address space)
};

/// Stable lower-case name stored in the database ("ok", "verify_failed", ...).
const char* JobStatusName(JobStatus status);
/// Inverse of JobStatusName; nullopt for unknown text.
std::optional<JobStatus> ParseJobStatus(const std::string& text);

/// What a job runs: the configuration that --resume matches on.
struct JobConfig {
  std::string model;    // canonical model id, e.g. "resnet-18" or "yolov3@320x320"
  std::string backend;  // backend id, e.g. "reference"
  int threads = 1;
  std::string cpu_affinity;  // e.g. "0-1"; empty = not pinned
  std::string precision = "fp32";
  uint64_t weight_seed = 0;
  /// The shapes a model file's inputs run at (formats::FormatInputShapes text, e.g.
  /// "x:1x3x224x224"); empty = as the file declares them. Zoo models fold theirs into
  /// `model` (ID@HxW) and leave this empty.
  std::string input_shape;
  /// Optimization toggles asked of the backend (backends::OptimizationToggle names),
  /// canonical text: sorted, unique, comma-separated, e.g. "no-fusion"; empty = none.
  std::string toggles;
  /// How the worker was started (harness/worker_wrapper.h): empty = directly; else the
  /// launcher command it was started through (`--wrap`, e.g. "podman run --rm ...") or a
  /// built-in container ("container:bwrap"). Part of the key, so wrapped and bare results
  /// never pool.
  std::string wrapper;
};

/// Canonical toggles text of `names` (sorted, duplicates dropped, comma-joined).
std::string FormatToggles(std::vector<std::string> names);

/// Canonical text of the configuration --resume matches on, e.g.
/// "model=resnet-18;backend=reference;threads=1;affinity=;precision=fp32;seed=2019", with
/// ";input_shape=...", ";toggles=..." and then ";wrapper=..." appended when the config has them (so
/// keys of older results stay as they were, and results at different shapes never pool). '\\', ';'
/// and '=' inside values are escaped with a backslash so distinct configs never share a key. The
/// format is stored in databases: changing it breaks resuming old runs.
std::string ConfigKey(const JobConfig& config);

/// How reports name the model of a job: the model id or file, with its input shapes in
/// brackets when it has any, e.g. "/models/net.onnx [x:1x3x224x224]".
std::string ModelLabel(const JobConfig& config);

/// How reports name the backend of a job: its id, with a precision other than fp32 and its
/// toggles in brackets when it has any, and how its workers were wrapped, e.g.
/// "onednn [no-fusion]", "onednn [int8,no-fusion]", "reference via container:bwrap",
/// "reference via podman".
std::string BackendLabel(const JobConfig& config);

/// A short name for JobConfig::wrapper: "container:bwrap" as it is, else the launcher
/// program's file name ("podman" for "/usr/bin/podman run --rm img").
std::string WrapperLabel(const std::string& wrapper);

/// Wall-clock seconds of each start-up phase, measured in the worker.
struct PhaseTimes {
  double process_start = 0;  // fork/exec until the worker's main() ran
  double library_load = 0;   // backend library loaded and initialised
  double model_load = 0;     // model graph built and its seeded weights generated
  double prepare = 0;        // graph built, weights packed, plan made
  double first_run = 0;      // the first inference
};

/// Order statistics and the validity verdict of a job's steady-state samples. A tail
/// percentile the sample count cannot support (see statistics.h, PercentileSupported) is
/// NaN: withheld, shown as "—" and stored as NULL.
struct SampleSummary {
  int64_t count = 0;
  double min = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
  double mean = 0, stddev = 0, cov = 0;
  double median_ci_low = 0, median_ci_high = 0;  // 95 % confidence interval of p50
  bool valid = false;
  std::string verdict_reason;  // why INVALID (empty when VALID)
  std::string recommendation;  // what to change to get a VALID result
};

/// One output's comparison against the reference.
struct OutputCheck {
  double rel_l2_error = 0;
  double max_abs_error = 0;
  /// Fraction of the reference's top-5 classes found in ours, for classifier-like outputs
  /// (one score vector per row); NaN for outputs where classes mean nothing (boxes, maps).
  double top5_agreement = 0;
};

/// Output comparison against the reference backend, output by output, so a wrong small
/// output cannot hide behind a correct large one. The headline figures are the worst
/// output's (`worst_output`).
struct Verification {
  double max_abs_error = 0;
  double rel_l2_error = 0;
  double top5_agreement = 0;  // lowest over classifier-like outputs; NaN when none is
  double tolerance = 0;       // rel L2 bound applied to every output
  bool passed = false;
  /// False when the check could not have failed: the reference output does not depend on
  /// the input (two seeded inputs give the same output) or is constant. Such a check is
  /// recorded with `note` saying why, and is not a pass.
  bool informative = true;
  std::string note;
  int worst_output = 0;
  std::vector<OutputCheck> outputs;
};

/// What a job's graph passes (passes/graph_pass_toggles.h: fold-bn, prune=F,
/// prune-channels=F) did to its model, and for the lossy ones how far the optimized
/// model's outputs are from the unoptimized fp32 model's. The weights are seeded, not
/// trained: the deviation measures the transformation, not a trained model's accuracy.
struct GraphPassResult {
  std::string summary;      // what each pass did, e.g. "prune-channels=0.5: 2 layer(s) ..."
  int64_t macs_before = 0;  // the unoptimized model's MACs (ir::CountGraph)
  int64_t macs_after = 0;   // the model the backend ran
  /// Seeded inputs the deviation was measured over; 0 = not measured (lossless passes).
  int quality_inputs = 0;
  /// Relative L2 error ||optimized - fp32|| / ||fp32|| of the worst output, per input:
  /// mean and max over the inputs. NaN (NULL in the database) while not measured.
  double rel_l2_mean = std::numeric_limits<double>::quiet_NaN();
  double rel_l2_max = std::numeric_limits<double>::quiet_NaN();
  /// Over classifier-like outputs (rows of at least 5 scores): the fraction of rows whose
  /// top-1 class is the same, and whose fp32 top-1 class is among the optimized top 5.
  /// NaN when no output is classifier-like.
  double top1_agreement = std::numeric_limits<double>::quiet_NaN();
  double top5_agreement = std::numeric_limits<double>::quiet_NaN();
  std::string quality_error;  // why the deviation could not be measured (empty if it was)
};

/// Everything one job produced.
struct JobResult {
  JobConfig config;
  JobStatus status = JobStatus::kFailed;
  std::string error;  // message, or the worker's stderr tail
  std::optional<int> exit_code;
  std::optional<int> signal;
  PhaseTimes phases;
  std::vector<double> samples;  // steady-state latencies, seconds, in run order
  SampleSummary summary;
  std::optional<Verification> verification;
  int64_t peak_rss_bytes = 0;  // the worker's peak resident set (or its cgroup's peak)
  /// Resident memory the backend added: RSS after the first inference minus RSS just
  /// before the library was loaded.
  int64_t footprint_bytes = 0;
  std::string backend_version;
  int repetition = 1;       // which of the job's worker processes this is (1-based)
  int64_t order_index = 0;  // position in the run's schedule (0-based)
  bool cold_start = false;  // the backend's libraries were evicted from the page cache
  std::optional<int64_t> memory_limit_bytes;
  /// How the memory cap was enforced: "cgroup" (memory.max on resident memory),
  /// "rlimit" (RLIMIT_AS on address space) or "" (no cap).
  std::string memory_limit_mode;
  /// The validity rules the summary was judged by (the user's, not the defaults).
  int64_t rule_min_samples = 0;
  double rule_target_ci = 0;
  double rule_max_drift = 0;
  double rule_max_process_spread = 0;
  /// The model's work and data by edgebench's cost model (ir::CountGraph): multiply-
  /// accumulates, all arithmetic operations, and bytes of weights plus every activation
  /// once (the least an inference must move). For achieved-throughput and roofline
  /// columns; 0 when the model never loaded.
  int64_t model_macs = 0;
  int64_t model_flops = 0;
  int64_t model_bytes = 0;
  /// Set when the job's toggles include graph passes.
  std::optional<GraphPassResult> graph_passes;
  /// The kernels the backend ran its convolutions and fully connected layers with, by its
  /// own report (precision_for_job.h, KernelSummary); empty when it gives none. Stored with
  /// the job (schema 10).
  std::string kernels;
  /// Shared libraries the backend loaded (list-libraries workers only; not stored).
  std::vector<std::string> loaded_libraries;
  /// The measured loop's start and end on CLOCK_MONOTONIC (harness::MonotonicSeconds),
  /// which is system-wide: the parent lines its sensor samples up with it (per-job energy).
  /// 0 when nothing was measured; passed from the worker, not stored as job columns.
  double measure_start_s = 0;
  double measure_end_s = 0;
  /// Evidence of where the worker ran, read by the worker itself: its PID as it sees it
  /// (small inside a new PID namespace), and its namespaces as /proc/self/ns shows them
  /// ("ipc:[4026532177] mnt:[...] net:[...] pid:[...] user:[...] uts:[...]").
  int64_t worker_pid = 0;
  std::string worker_namespaces;
  /// The kinds among worker_namespaces that differ from the launching process's own,
  /// comma-separated ("ipc,mnt,net,pid,user,uts" in the bwrap container; "" when bare).
  /// Set by the parent.
  std::string new_namespaces;
  /// Per-layer times (profile workers only; stored in its own table).
  std::optional<LayerProfile> layer_profile;
};

}  // namespace edgebench::harness
