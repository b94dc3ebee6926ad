#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "backends/registry.h"
#include "cli/command.h"

namespace edgebench::cli {

/// What `edgebench tune` searches and how.
struct TuneOptions {
  std::string model;
  std::string backends = "all";
  std::string threads;  // comma-separated counts; empty = 1, 2, 4, ... up to the CPUs
  std::string precisions = "fp32,fp16,bf16,int8";
  std::string fusion = "on,off";
  std::string affinity = "none,compact";
  int64_t budget = 2000;  // timed inferences over the halving rounds
  double keep = 0.5;
  int64_t min_runs = 10;
  int64_t warmup_runs = 2;
  double max_time = 60;  // seconds of measuring per worker, at most
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

/// Runs the search of `options` with the backends of `registry`, writing the table and
/// the summary to `out` (progress and errors go to stderr). Returns the exit code.
int RunTune(const TuneOptions& options, const backends::BackendRegistry& registry,
            std::ostream& out);

/// Registers `edgebench tune --model M`: successive halving over backend x threads x
/// precision x fusion x affinity, stored in the results database.
Command AddTuneCommand(CLI::App& app);

}  // namespace edgebench::cli
