#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "backends/registry.h"
#include "cli/command.h"
#include "harness/measurement.h"

namespace edgebench::cli {

/// What `edgebench optimizations` tabulates and how its missing jobs run.
struct OptimizationsOptions {
  std::vector<std::string> models;  // zoo ids or model files; empty = the default set
  std::string backends = "all";
  double prune = 0.5;  // fraction of both pruning columns
  int threads = 1;
  bool no_run = false;  // only read what the database holds
  int repetitions = 3;
  harness::MeasureOptions measure;
  double timeout = 600;
  bool no_verify = false;
  uint64_t seed = 0;
  bool seed_given = false;
  uint64_t order_seed = 1;
  std::string db = "edgebench.db";
  std::string format = "table";
  std::string device_label;
  std::string plugin_dir;
  std::string cache_dir;
};

/// Builds the optimization table of `options` with the backends of `registry`: reuses
/// every job the database already holds, runs the missing ones (unless no_run) through
/// the harness as `run` does, and writes the table to `out`. Returns the exit code.
int RunOptimizations(const OptimizationsOptions& options, const backends::BackendRegistry& registry,
                     std::ostream& out);

/// Registers `edgebench optimizations [--model M ...]`: the study's optimization table,
/// measured.
Command AddOptimizationsCommand(CLI::App& app);

}  // namespace edgebench::cli
