#pragma once

#include <string_view>
#include <vector>

#include "ir/cost.h"
#include "ir/graph.h"

namespace edgebench::zoo {

/// How a compute figure was counted.
enum class Counting {
  kMac,     // multiply-accumulates of conv/FC layers
  kTwoMac,  // Darknet's "BFLOPs": 2 x MAC
  /// The ptflops counter's "GMac": MACs plus bias adds, 2 per batch-norm element, one
  /// per activation element and one per pooled input element.
  kPtflops,
};

/// Short name of a convention ("MAC", "2xMAC", "ptflops").
std::string_view CountingName(Counting counting);

/// The graph's compute under `counting`, in giga-units.
double CountedGiga(const ir::Graph& graph, const ir::GraphCost& cost, Counting counting);

/// Tolerances within which our count "reproduces" a paper figure.
inline constexpr double kParamsTolerance = 0.02;
inline constexpr double kMacsTolerance = 0.05;

/// A model request (id with optional "@size") and counting that reproduce a paper
/// figure; an empty request means no definition we could find does.
struct Reproduction {
  std::string_view request;
  Counting counting = Counting::kMac;
};

/// One row of the source study's Table I with what we found reproduces each figure.
struct PaperRow {
  std::string_view id;  // our model id (the study's model at the study's input)
  double gflop;         // the paper's "GFLOP" column (MAC counts for most rows)
  double params_m;      // the paper's parameter count, millions
  Reproduction gflop_by;
  Reproduction params_by;  // counting unused: parameters are trainable weights
  /// Printed beside our default when it deviates: which variant, size or convention
  /// explains the paper's number, or why none does.
  std::string_view note;
};

/// Table I of the study, in its order.
const std::vector<PaperRow>& PaperTable1();

/// The row for a study model id, or nullptr.
const PaperRow* FindPaperRow(std::string_view id);

/// Relative deviation (ours - paper) / paper.
double Deviation(double ours, double paper);

/// Half a unit of the last digit the paper prints (two decimals in both columns).
inline constexpr double kPaperRounding = 0.005;

/// Whether our figure matches the paper's: within the relative tolerance, or within the
/// paper's own rounding (CifarNet's "0.01" GFLOP can only mean 0.005 to 0.015).
bool Reproduces(double ours, double paper, double tolerance);

}  // namespace edgebench::zoo
