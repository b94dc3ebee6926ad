#pragma once

#include <string>
#include <vector>

#include "report/table.h"

namespace edgebench::report {

/// Whether a backend runs a model, as far as edgebench knows.
enum class Compatibility {
  kSupported,    // every node accepted by the backend's own support check; not run yet
  kVerified,     // ran and matched the reference (a stored job)
  kRan,          // ran without a verification (a stored job run with --no-verify)
  kUnsupported,  // refused up front: a node, a toggle or a precision it lacks
  kFailed,       // accepted, then failed: wrong outputs, an error, a crash, a time-out
  kUnavailable,  // the backend is not installed or not built
};

/// One model x backend cell and where it came from.
struct MatrixEntry {
  std::string model;
  std::string backend;
  Compatibility state = Compatibility::kSupported;
  std::string reason;  // why not, for the unsupported, failed and unavailable
  std::string source;  // "support check", or "run N" for a stored job
};

/// "✓", "✓ verified", "✓ ran", "unsupported", "FAILED" or "n/a".
const char* CompatibilityMark(Compatibility state);

/// The study's Table V form: a row per model, a column per backend, each cell its mark
/// with a note number when there is a reason. One note per backend and reason, naming the
/// models it applies to ("[1] xnnpack: node 'norm1' (lrn): ... (cifarnet, vgg-s-32)"), is
/// returned in `notes`, in number order. Models and backends keep the given order.
Table CompatibilityMatrix(const std::vector<MatrixEntry>& entries,
                          const std::vector<std::string>& models,
                          const std::vector<std::string>& backends,
                          std::vector<std::string>& notes);

/// One row per entry (model, backend, state, reason, source): for CSV and JSON.
Table CompatibilityList(const std::vector<MatrixEntry>& entries);

}  // namespace edgebench::report
