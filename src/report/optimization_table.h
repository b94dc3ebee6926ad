#pragma once

// The study's optimization table, computed: backends x the seven optimizations, each cell
// a measured speed-up over that backend's fp32 default with its output deviation, or why
// the optimization could not be measured there.

#include <limits>
#include <string>
#include <vector>

#include "harness/speedup.h"
#include "report/table.h"

namespace edgebench::report {

/// One optimization column: the toggles its jobs run with (empty for those measured
/// another way: dynamic graph, auto-tuning) and what its speed-up means.
struct OptimizationColumn {
  std::string key;      // JSON key, e.g. "quantization"
  std::string header;   // e.g. "quantization (int8)"
  std::string toggles;  // canonical JobConfig::toggles text of its job; "" = none
};

/// The study's seven, pruning in its two forms: quantization (int8), half precision
/// (fp16), mixed precision (bf16), dynamic graph, pruning (prune=F), channel pruning
/// (prune-channels=F), fusion (no-fusion) and auto-tuning. `prune_toggle` and
/// `channel_toggle` are the canonical toggles for the chosen fraction.
std::vector<OptimizationColumn> OptimizationColumns(const std::string& prune_toggle,
                                                    const std::string& channel_toggle);

/// One cell of the table.
struct OptimizationCell {
  enum class State { kMeasured, kUnsupported, kFailed, kNotMeasured };
  State state = State::kNotMeasured;
  std::string reason;        // unsupported, failed, not measured: why
  harness::Speedup speedup;  // kMeasured
  std::string detail;        // kMeasured: what was compared, e.g. "vs libtorch-script"
  /// Output deviation from the fp32 model (NaN: not stored; lossless optimizations have
  /// none): rel L2 mean and max over `quality_inputs` inputs, top-1 / top-5 agreement.
  int quality_inputs = 0;
  bool from_verification = false;  // the job's check against the reference engine
  double rel_l2_mean = std::numeric_limits<double>::quiet_NaN();
  double rel_l2_max = std::numeric_limits<double>::quiet_NaN();
  double top1 = std::numeric_limits<double>::quiet_NaN();
  double top5 = std::numeric_limits<double>::quiet_NaN();
};

/// One row: a model on a backend, its fp32 default's median (NaN when it has none) and a
/// cell per column, in OptimizationColumns order.
struct OptimizationRow {
  std::string model;
  std::string backend;
  double default_p50 = std::numeric_limits<double>::quiet_NaN();
  std::vector<OptimizationCell> cells;
};

/// The table. With `footnotes` (the aligned text table), long reasons become "[n]" marks
/// whose text `notes` receives, so a row stays on a line; otherwise cells carry the full
/// reason.
Table OptimizationTable(const std::vector<OptimizationRow>& rows,
                        const std::vector<OptimizationColumn>& columns, bool footnotes,
                        std::vector<std::string>& notes);

/// A cell as text (its speed-up, interval and deviation; or state and reason).
std::string OptimizationCellText(const OptimizationCell& cell);

/// What the numbers mean, printed under the table: how each speed-up is defined, where
/// deviations come from, and that seeded weights are not trained weights.
std::vector<std::string> OptimizationTableFooter();

}  // namespace edgebench::report
