#include "report/optimization_table.h"

#include <fmt/format.h>

#include <cmath>

#include "report/result_cells.h"

namespace edgebench::report {
namespace {

std::string DeviationText(const OptimizationCell& cell) {
  if (!std::isfinite(cell.rel_l2_mean) && !std::isfinite(cell.rel_l2_max)) return "";
  std::string text =
      fmt::format("; relL2 mean {:.2e} max {:.2e}", cell.rel_l2_mean, cell.rel_l2_max);
  if (std::isfinite(cell.top1)) text += fmt::format(", top-1 {:.0f}%", cell.top1 * 100);
  if (std::isfinite(cell.top5)) text += fmt::format(", top-5 {:.0f}%", cell.top5 * 100);
  if (cell.from_verification) {
    text += " (verification against the reference engine)";
  } else if (cell.quality_inputs > 0) {
    text += fmt::format(" ({} inputs)", cell.quality_inputs);
  }
  return text;
}

const char* StateWord(OptimizationCell::State state) {
  switch (state) {
    case OptimizationCell::State::kMeasured:
      return "measured";
    case OptimizationCell::State::kUnsupported:
      return "unsupported";
    case OptimizationCell::State::kFailed:
      return "failed";
    case OptimizationCell::State::kNotMeasured:
      return "not measured";
  }
  return "";
}

std::string SpeedupText(const OptimizationCell& cell) {
  return fmt::format("{:.2f}x [{:.2f}, {:.2f}]{}", cell.speedup.ratio, cell.speedup.low,
                     cell.speedup.high, cell.detail.empty() ? "" : " " + cell.detail);
}

}  // namespace

std::vector<OptimizationColumn> OptimizationColumns(const std::string& prune_toggle,
                                                    const std::string& channel_toggle) {
  return {{"quantization", "quantization (int8)", "int8"},
          {"half_precision", "half precision (fp16)", "fp16"},
          {"mixed_precision", "mixed precision (bf16)", "bf16"},
          {"dynamic_graph", "dynamic graph (eager)", ""},
          {"pruning", fmt::format("pruning ({})", prune_toggle), prune_toggle},
          {"channel_pruning", fmt::format("pruning ({})", channel_toggle), channel_toggle},
          {"fusion", "fusion (vs no-fusion)", "no-fusion"},
          {"auto_tuning", "auto-tuning (tune)", ""}};
}

std::string OptimizationCellText(const OptimizationCell& cell) {
  if (cell.state == OptimizationCell::State::kMeasured) {
    return SpeedupText(cell) + DeviationText(cell);
  }
  return cell.reason.empty() ? StateWord(cell.state)
                             : fmt::format("{}: {}", StateWord(cell.state), cell.reason);
}

Table OptimizationTable(const std::vector<OptimizationRow>& rows,
                        const std::vector<OptimizationColumn>& columns, bool footnotes,
                        std::vector<std::string>& notes) {
  Table table;
  table.columns = {
      {"model", "model"}, {"backend", "backend"}, {"fp32_p50_ms", "fp32 p50(ms)", true}};
  for (const OptimizationColumn& c : columns) table.columns.push_back({c.key, c.header});
  for (const OptimizationRow& row : rows) {
    std::vector<Cell> cells = {TextCell(row.model), TextCell(row.backend),
                               LatencyMsCell(row.default_p50)};
    for (size_t i = 0; i < columns.size(); ++i) {
      const OptimizationCell& cell = i < row.cells.size() ? row.cells[i] : OptimizationCell{};
      if (!footnotes) {
        cells.push_back(TextCell(OptimizationCellText(cell)));
        continue;
      }
      // The aligned table keeps a cell short: the speed-up and deviation, or the state
      // with a note number whose text follows the table.
      if (cell.state == OptimizationCell::State::kMeasured) {
        std::string text = fmt::format("{:.2f}x [{:.2f},{:.2f}]", cell.speedup.ratio,
                                       cell.speedup.low, cell.speedup.high);
        if (std::isfinite(cell.rel_l2_mean)) text += fmt::format(" L2 {:.1e}", cell.rel_l2_mean);
        if (std::isfinite(cell.top1)) text += fmt::format(" top1 {:.0f}%", cell.top1 * 100);
        if (!cell.detail.empty() || std::isfinite(cell.rel_l2_max)) {
          notes.push_back(fmt::format("[{}] {} {}, {}: {}", notes.size() + 1, row.model,
                                      row.backend, columns[i].header, OptimizationCellText(cell)));
          text += fmt::format(" [{}]", notes.size());
        }
        cells.push_back(TextCell(text));
      } else {
        notes.push_back(fmt::format("[{}] {} {}, {}: {}", notes.size() + 1, row.model, row.backend,
                                    columns[i].header, OptimizationCellText(cell)));
        cells.push_back(TextCell(fmt::format("{} [{}]", StateWord(cell.state), notes.size())));
      }
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

std::vector<std::string> OptimizationTableFooter() {
  return {
      "Speed-up: the backend's fp32 default median / the median with the optimization (> 1: "
      "faster), 95% interval from both medians' CIs. Fusion: the median with no-fusion / the "
      "default's (what fusion buys). Dynamic graph: libtorch-script's median / "
      "libtorch-eager's. Auto-tuning: the best configuration on that backend in the latest "
      "`edgebench tune` search of the model, over the same search's default (fp32, 1 thread, "
      "fused, unpinned); run `edgebench tune --model M` to fill it.",
      "Deviation: output of the optimized model against the unoptimized fp32 model, relative "
      "L2 of the worst output (mean and max over seeded inputs), top-1 and top-5 agreement "
      "for classifier outputs; where a job stored no such figure, its verification against "
      "the reference engine is shown.",
      "Weights are seeded, not trained: the deviation measures what the optimization does to "
      "these numbers, not a trained model's accuracy. A user's own trained model (--model "
      "FILE) gives the real accuracy picture."};
}

}  // namespace edgebench::report
