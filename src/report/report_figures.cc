#include "report/report_figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "ir/cost.h"
#include "report/figure_helpers.h"
#include "report/report_container_figure.h"
#include "report/report_sensor_figures.h"
#include "report/vega_specs.h"
#include "zoo/model_zoo.h"
#include "zoo/paper_table1.h"

namespace edgebench::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Figure ModelFigure(const ReportData& data) {
  Figure f{"models",
           "Models: work, size and work per parameter",
           "Multiply-accumulates (GMAC) per inference and trainable parameters (millions) by "
           "edgebench's cost model, beside the study's Table I where it lists the model; the "
           "chart shows MACs per parameter (the study's FLOP/param figure).",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"model", "model"},
                     {"gmac", "GMAC", true},
                     {"params_m", "params (M)", true},
                     {"mac_per_param", "MAC/param", true},
                     {"paper_gmac", "paper GMAC", true},
                     {"paper_params_m", "paper params (M)", true}};
  std::vector<Bar> bars;
  std::set<std::string> seen;
  for (const ReportJob& j : data.jobs) {
    if (j.paper || !seen.insert(j.model).second) continue;
    double gmac = j.macs / 1e9;
    double params = kNaN;
    const zoo::PaperRow* paper = zoo::FindPaperRow(j.model);
    try {
      const ir::GraphCost cost = ir::CountGraph(zoo::BuildModel(j.model));
      gmac = cost.macs / 1e9;
      params = cost.params / 1e6;
    } catch (const std::exception&) {
      // A model file (not a zoo id): its MACs came with the job; parameters unknown here.
    }
    if (!(gmac > 0)) continue;
    const double per_param = params > 0 ? gmac * 1e3 / params : kNaN;
    f.table.rows.push_back({TextCell(j.model), NumberCell(gmac, 3),
                            std::isfinite(params) ? NumberCell(params, 2) : TextCell("n/a"),
                            std::isfinite(per_param) ? NumberCell(per_param, 1) : TextCell("n/a"),
                            paper ? NumberCell(paper->gflop, 2) : TextCell("-"),
                            paper ? NumberCell(paper->params_m, 2) : TextCell("-")});
    if (std::isfinite(per_param)) bars.push_back({j.model, "edgebench", per_param, kNaN, kNaN, ""});
    if (paper && paper->params_m > 0) {
      bars.push_back({j.model, "paper (Table I)", paper->gflop * 1e3 / paper->params_m, kNaN, kNaN,
                      "the study's GFLOP column (MACs) / params"});
    }
  }
  if (bars.empty()) {
    f.no_data = "no data: run `edgebench run` to measure models, then report again";
  } else {
    f.spec = GroupedBarSpec(bars, "MACs per parameter", "source", /*log_scale=*/true);
  }
  return f;
}

Figure LatencyFigure(const ReportData& data) {
  Figure f{"latency",
           "Latency per model and backend",
           "Single-batch inference latency in milliseconds (log scale): the median (p50) of all "
           "samples of all worker processes, whiskers the 95 % confidence interval of the median.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},
                     {"model", "model"},
                     {"backend", "backend"},
                     {"threads", "threads", true},
                     {"p50_ms", "p50 (ms)", true},
                     {"ci_low_ms", "CI low", true},
                     {"ci_high_ms", "CI high", true},
                     {"verdict", "verdict"}};
  std::vector<Bar> bars;
  for (const ReportJob* j : YourDefaultJobs(data)) {
    bars.push_back({j->model, SeriesName(data, *j), j->p50_ms, j->ci_low_ms, j->ci_high_ms,
                    j->valid ? "VALID" : "INVALID: " + j->detail});
    f.table.rows.push_back({TextCell(j->device), TextCell(j->model), TextCell(j->backend),
                            IntegerCell(j->threads), NumberCell(j->p50_ms, 3),
                            NumberCell(j->ci_low_ms, 3), NumberCell(j->ci_high_ms, 3),
                            TextCell(j->valid ? "VALID" : "INVALID")});
  }
  if (bars.empty()) {
    f.no_data = "no data: run `edgebench run --models M --backends all` first";
  } else {
    f.spec = GroupedBarSpec(bars, "p50 latency (ms, log scale)", "backend", true);
  }
  return f;
}

Figure BestBackendFigure(const ReportData& data) {
  Figure f{"best-backend",
           "Best backend per model",
           "The backend with the lowest median latency for each model on each of your devices "
           "(milliseconds, log scale; bar colour = the winning backend).",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},       {"model", "model"},
                     {"best", "best backend"},   {"p50_ms", "p50 (ms)", true},
                     {"runner_up", "runner-up"}, {"margin", "runner-up / best", true}};
  std::map<std::pair<std::string, std::string>, std::vector<const ReportJob*>> by_model;
  for (const ReportJob* j : YourDefaultJobs(data)) by_model[{j->device, j->model}].push_back(j);
  std::vector<Bar> bars;
  for (auto& [key, jobs] : by_model) {
    std::sort(jobs.begin(), jobs.end(),
              [](const ReportJob* a, const ReportJob* b) { return a->p50_ms < b->p50_ms; });
    const ReportJob* best = jobs[0];
    const ReportJob* second = jobs.size() > 1 ? jobs[1] : nullptr;
    bars.push_back(
        {key.second, best->backend, best->p50_ms, best->ci_low_ms, best->ci_high_ms, key.first});
    f.table.rows.push_back({TextCell(key.first), TextCell(key.second), TextCell(best->backend),
                            NumberCell(best->p50_ms, 3), TextCell(second ? second->backend : "-"),
                            second ? NumberCell(second->p50_ms / best->p50_ms, 2) : TextCell("-")});
  }
  if (bars.empty()) {
    f.no_data = "no data: run `edgebench run --models M --backends all` first";
  } else {
    f.spec = GroupedBarSpec(bars, "best p50 latency (ms, log scale)", "best backend", true);
  }
  return f;
}

// The backend measured on the most models; ties go to the study's own baseline
// framework (PyTorch: LibTorch eager, then TorchScript), then by name.
std::string ChooseBaselineBackend(const std::vector<const ReportJob*>& jobs,
                                  const std::string& wanted) {
  if (!wanted.empty()) return wanted;
  std::map<std::string, std::set<std::string>> models_of;
  for (const ReportJob* j : jobs) models_of[j->backend].insert(j->model);
  auto preference = [](const std::string& backend) {
    return backend == "libtorch-eager" ? 0 : backend == "libtorch-script" ? 1 : 2;
  };
  std::string best;
  for (const auto& [backend, models] : models_of) {
    if (best.empty() || models.size() > models_of[best].size() ||
        (models.size() == models_of[best].size() && preference(backend) < preference(best))) {
      best = backend;
    }
  }
  return best;
}

Figure FrameworkFigure(const ReportData& data, const FigureOptions& options) {
  const std::vector<const ReportJob*> jobs = YourDefaultJobs(data);
  const std::string baseline = ChooseBaselineBackend(jobs, options.baseline_backend);
  Figure f{"framework-speedup",
           "Framework comparison: speed-up over " + baseline,
           "Median latency of " + baseline +
               " divided by each backend's, per model (higher is faster; 1 = as fast as " +
               baseline + "); the group 'geomean' is the geometric mean over the models both ran.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},
                     {"model", "model"},
                     {"backend", "backend"},
                     {"speedup", "speed-up", true}};
  std::map<std::pair<std::string, std::string>, double> base;  // (device, model) -> p50
  for (const ReportJob* j : jobs) {
    if (j->backend == baseline) base[{j->device, j->model}] = j->p50_ms;
  }
  std::vector<Bar> bars;
  std::map<std::string, std::vector<double>> per_series;
  for (const ReportJob* j : jobs) {
    const auto found = base.find({j->device, j->model});
    if (found == base.end() || j->backend == baseline) continue;
    const double speedup = found->second / j->p50_ms;
    bars.push_back({j->model, SeriesName(data, *j), speedup, kNaN, kNaN, ""});
    per_series[SeriesName(data, *j)].push_back(speedup);
    f.table.rows.push_back(
        {TextCell(j->device), TextCell(j->model), TextCell(j->backend), NumberCell(speedup, 2)});
  }
  for (const auto& [series, values] : per_series) {
    const double mean = GeometricMean(values);
    bars.push_back({"geomean", series, mean, kNaN, kNaN, "geometric mean"});
    f.table.rows.push_back(
        {TextCell("all"), TextCell("geomean"), TextCell(series), NumberCell(mean, 2)});
  }
  if (bars.empty()) {
    f.no_data =
        "no data: needs at least two backends measured on the same model (`edgebench "
        "run --backends all`)";
  } else {
    f.spec = GroupedBarSpec(bars, "speed-up over " + baseline + " (x, log scale)", "backend", true);
  }
  return f;
}

// Best (lowest) p50 per (device, model), your devices and the study's.
std::map<std::pair<std::string, std::string>, const ReportJob*> BestPerDevice(
    const ReportData& data) {
  std::map<std::pair<std::string, std::string>, const ReportJob*> best;
  for (const ReportJob& j : data.jobs) {
    if (!Measured(j) || !IsDefaultConfig(j)) continue;
    const auto key = std::make_pair(DeviceName(j), j.model);
    const auto found = best.find(key);
    if (found == best.end() || j.p50_ms < found->second->p50_ms) best[key] = &j;
  }
  return best;
}

Figure DevicesFigure(const ReportData& data) {
  Figure f{"devices",
           "Your devices beside the study's",
           "Best median latency per model on each device, milliseconds (log scale). Devices "
           "marked (paper) are the IISWC'19 study's published means (no warm-up, their own model "
           "code per framework): comparable in kind, not in method.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},
                     {"model", "model"},
                     {"backend", "backend"},
                     {"p50_ms", "latency (ms)", true}};
  std::set<std::string> your_models;
  for (const ReportJob* j : YourDefaultJobs(data)) your_models.insert(j->model);
  std::vector<Bar> bars;
  for (const auto& [key, j] : BestPerDevice(data)) {
    if (!your_models.contains(key.second)) continue;  // only models you ran
    bars.push_back({key.second, key.first, j->p50_ms, j->paper ? kNaN : j->ci_low_ms,
                    j->paper ? kNaN : j->ci_high_ms, j->backend});
    f.table.rows.push_back({TextCell(key.first), TextCell(key.second), TextCell(j->backend),
                            NumberCell(j->p50_ms, 3)});
  }
  if (bars.empty()) {
    f.no_data = "no data: run `edgebench run` first";
  } else {
    f.spec = GroupedBarSpec(bars, "best latency (ms, log scale)", "device", true);
  }
  return f;
}

Figure DeviceSpeedupFigure(const ReportData& data, const FigureOptions& options) {
  std::string baseline = options.baseline_device;
  if (baseline.empty()) {
    for (const ReportDevice& d : data.devices) {
      if (!d.paper) {
        baseline = d.label;
        break;
      }
    }
  }
  Figure f{"device-speedup",
           "Edge vs HPC: speed-up over " + baseline,
           "The geometric mean over the models both ran of (best latency on " + baseline +
               ") / (best latency on the device): higher is faster. Paper devices use the "
               "study's published means.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},
                     {"models", "models in common", true},
                     {"speedup", "speed-up (geomean)", true}};
  const auto best = BestPerDevice(data);
  std::map<std::string, std::vector<double>> ratios;
  for (const auto& [key, j] : best) {
    const auto base = best.find({baseline, key.second});
    if (base == best.end() || key.first == baseline) continue;
    ratios[key.first].push_back(base->second->p50_ms / j->p50_ms);
  }
  std::vector<Bar> bars;
  for (const auto& [device, values] : ratios) {
    const double mean = GeometricMean(values);
    bars.push_back({device, device, mean, kNaN, kNaN, fmt::format("{} models", values.size())});
    f.table.rows.push_back({TextCell(device), IntegerCell(static_cast<long long>(values.size())),
                            NumberCell(mean, 2)});
  }
  if (bars.empty()) {
    f.no_data =
        "no data: needs a second device with a model in common (merge databases with "
        "`edgebench merge`, or keep the study's devices: omit --no-reference)";
  } else {
    f.spec = GroupedBarSpec(bars, "speed-up over " + baseline + " (x, geometric mean, log scale)",
                            "device", true);
  }
  return f;
}

Figure StartupFigure(const ReportData& data) {
  Figure f{"startup",
           "Software stack: start-up breakdown",
           "Milliseconds from launching the worker to the first inference's result, stacked by "
           "phase (first repetition of each job); '(cold)' marks jobs whose libraries were "
           "evicted from the page cache first (--cold).",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},
                     {"model", "model"},
                     {"backend", "backend"},
                     {"cold", "cold"},
                     {"process_start_ms", "process start", true},
                     {"library_load_ms", "library load", true},
                     {"model_load_ms", "model load", true},
                     {"prepare_ms", "prepare", true},
                     {"first_run_ms", "first run", true}};
  std::vector<Slice> slices;
  for (const ReportJob& j : data.jobs) {
    if (j.paper || !std::isfinite(j.prepare_ms) || j.status == "unsupported") continue;
    if (!(j.first_run_ms > 0)) continue;
    std::string group = j.model + " / " + j.backend + (j.cold_start ? " (cold)" : "");
    if (YourDeviceCount(data) > 1) group += " @ " + j.device;
    for (const auto& [part, ms] :
         {std::pair{"process start", j.process_start_ms},
          std::pair{"library load", j.library_load_ms}, std::pair{"model load", j.model_load_ms},
          std::pair{"prepare", j.prepare_ms}, std::pair{"first run", j.first_run_ms}}) {
      slices.push_back({group, part, ms});
    }
    f.table.rows.push_back({TextCell(j.device), TextCell(j.model), TextCell(j.backend),
                            TextCell(j.cold_start ? "yes" : "no"),
                            NumberCell(j.process_start_ms, 2), NumberCell(j.library_load_ms, 2),
                            NumberCell(j.model_load_ms, 2), NumberCell(j.prepare_ms, 2),
                            NumberCell(j.first_run_ms, 2)});
  }
  if (slices.empty()) {
    f.no_data = "no data: run `edgebench run` (add --cold for cold starts)";
  } else {
    f.spec = StackedBarSpec(slices, "milliseconds to the first result", "phase");
  }
  return f;
}

Figure MemoryFigure(const ReportData& data) {
  Figure f{"memory",
           "Memory per model and backend",
           "Peak resident memory of the worker process and the part the backend added (resident "
           "memory after the first inference minus before the library loaded), MiB; the "
           "largest over the job's worker processes.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},
                     {"model", "model"},
                     {"backend", "backend"},
                     {"peak_rss_mib", "peak RSS (MiB)", true},
                     {"footprint_mib", "backend footprint (MiB)", true}};
  std::vector<Bar> bars;
  for (const ReportJob* j : YourDefaultJobs(data)) {
    const std::string group = j->model + " / " + SeriesName(data, *j);
    bars.push_back({group, "peak RSS", j->peak_rss_mib, kNaN, kNaN, ""});
    bars.push_back({group, "backend footprint", j->footprint_mib, kNaN, kNaN, ""});
    f.table.rows.push_back({TextCell(j->device), TextCell(j->model), TextCell(j->backend),
                            NumberCell(j->peak_rss_mib, 1), NumberCell(j->footprint_mib, 1)});
  }
  if (bars.empty()) {
    f.no_data = "no data: run `edgebench run` first";
  } else {
    f.spec = GroupedBarSpec(bars, "MiB", "measure", false);
  }
  return f;
}

Figure RooflineFigure(const ReportData& data) {
  Figure f{"roofline",
           "Roofline: achieved throughput against arithmetic intensity",
           "Each job's achieved GFLOP/s (edgebench's FLOP count / p50) against its arithmetic "
           "intensity (FLOP per byte of weights and activations, the least an inference moves), "
           "log-log; dashed lines: the machine's measured peak (`edgebench peak`) at each thread "
           "count used.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},        {"model", "model"},
                     {"backend", "backend"},      {"flop_per_byte", "FLOP/B", true},
                     {"gflops", "GFLOP/s", true}, {"peak_gflops", "peak GFLOP/s", true}};
  std::vector<Point> points;
  std::map<std::string, Level> levels;
  for (const ReportJob* j : YourDefaultJobs(data)) {
    if (j->flops <= 0 || j->bytes <= 0) continue;
    const double gflops = j->flops / (j->p50_ms * 1e-3) / 1e9;
    const double intensity = static_cast<double>(j->flops) / static_cast<double>(j->bytes);
    points.push_back({intensity, gflops, SeriesName(data, *j), j->model + " / " + j->backend});
    if (std::isfinite(j->peak_gflops)) {
      levels[fmt::format("{} {}t", j->device, j->threads)] = {
          j->peak_gflops, fmt::format("peak {} ({} thread{}): {:.1f} GFLOP/s", j->device,
                                      j->threads, j->threads == 1 ? "" : "s", j->peak_gflops)};
    }
    f.table.rows.push_back({TextCell(j->device), TextCell(j->model), TextCell(j->backend),
                            NumberCell(intensity, 2), NumberCell(gflops, 2),
                            std::isfinite(j->peak_gflops) ? NumberCell(j->peak_gflops, 1)
                                                          : TextCell("n/a (run edgebench peak)")});
  }
  if (points.empty()) {
    f.no_data = "no data: run `edgebench run` first (and `edgebench peak` for the ceiling)";
    return f;
  }
  std::vector<Level> lines;
  for (auto& [key, level] : levels) lines.push_back(level);
  f.spec = ScatterSpec(points, lines, "arithmetic intensity (FLOP/byte, log)",
                       "achieved GFLOP/s (log)", "backend");
  return f;
}

Figure DistributionFigure(const ReportData& data) {
  Figure f{"distributions",
           "Latency distributions and verdicts",
           "Per job, milliseconds (log scale): line from the fastest to the slowest sample, box "
           "from the median to p90, black tick at the median; colour = the harness's verdict "
           "(VALID: the median's CI is tight, no drift, processes agree).",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"job", "job"},          {"min_ms", "min", true}, {"p50_ms", "p50", true},
                     {"p90_ms", "p90", true}, {"max_ms", "max", true}, {"verdict", "verdict"},
                     {"why", "why"}};
  std::vector<Spread> spreads;
  for (const ReportJob* j : YourDefaultJobs(data)) {
    std::string row = j->model + " / " + j->backend;
    if (YourDeviceCount(data) > 1) row += " @ " + j->device;
    const std::string verdict = j->valid ? "VALID" : "INVALID";
    spreads.push_back({row, verdict, j->min_ms, j->p50_ms, j->p90_ms, j->max_ms});
    f.table.rows.push_back({TextCell(row), NumberCell(j->min_ms, 3), NumberCell(j->p50_ms, 3),
                            std::isfinite(j->p90_ms) ? NumberCell(j->p90_ms, 3) : TextCell("—"),
                            NumberCell(j->max_ms, 3), TextCell(verdict), TextCell(j->detail)});
  }
  if (spreads.empty()) {
    f.no_data = "no data: run `edgebench run` first";
  } else {
    f.spec = SpreadSpec(spreads, "latency (ms, log scale)", "verdict");
  }
  return f;
}

Figure EnergyFigure(const ReportData& data) {
  Figure f{"energy",
           "Energy per inference",
           "Millijoules per inference: the energy counter's difference (or the integral of "
           "sampled power) over the measured window, divided by the inferences in it; the "
           "series name carries the sensor's boundary (whole board, CPU package, GPU), as "
           "figures of different boundaries are not comparable.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},         {"model", "model"},
                     {"backend", "backend"},       {"boundary", "boundary"},
                     {"mj", "mJ/inference", true}, {"mj_above_idle", "mJ above idle", true},
                     {"watts", "average W", true}, {"max_c", "max C", true}};
  std::vector<Bar> bars;
  for (const ReportJob* j : YourDefaultJobs(data)) {
    if (!std::isfinite(j->energy_mj)) continue;
    bars.push_back({j->model, SeriesName(data, *j) + " [" + j->energy_boundary + "]", j->energy_mj,
                    kNaN, kNaN, ""});
    f.table.rows.push_back(
        {TextCell(j->device), TextCell(j->model), TextCell(j->backend),
         TextCell(j->energy_boundary), NumberCell(j->energy_mj, 3),
         NumberCell(j->energy_above_idle_mj, 3), NumberCell(j->average_watts, 2),
         std::isfinite(j->max_celsius) ? NumberCell(j->max_celsius, 1) : TextCell("n/a")});
  }
  if (bars.empty()) {
    f.no_data =
        "no data: no power sensor was recorded; run on a machine where `edgebench "
        "sensors` lists one (RAPL, hwmon, NVML) or give an external meter "
        "(--power-cmd, --power-log)";
  } else {
    f.spec = GroupedBarSpec(bars, "mJ per inference (log scale)", "backend [boundary]", true);
  }
  return f;
}

Figure ProfileFigure(const ReportData& data) {
  Figure f{"profile",
           "Per-layer profiles: where each backend spends its time",
           "Milliseconds per inference (median over the profiled runs) by the IR operation of "
           "each framework layer (a fused layer counts under its first IR node); 'added by the "
           "framework' are layout conversions and other work with no IR node; 'unattributed' "
           "is the profiled end-to-end median minus the layers' sum.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},
                     {"model", "model"},
                     {"backend", "backend"},
                     {"operation", "operation"},
                     {"ms", "ms", true}};
  std::vector<Slice> slices;
  std::vector<std::string> without;
  for (const ReportJob& j : data.jobs) {
    if (!j.profile) continue;
    if (!j.profile->available()) {
      without.push_back(j.backend + ": " + j.profile->no_profiler_reason);
      continue;
    }
    std::map<std::string, std::string> op_of;
    for (const harness::ProfiledNode& n : j.profile->nodes) op_of[n.name] = n.op;
    std::map<std::string, double> ms_of;
    for (const harness::ProfileRow& row : j.profile->rows) {
      const std::string op = row.ir_nodes.empty()              ? "added by the framework"
                             : op_of.contains(row.ir_nodes[0]) ? op_of[row.ir_nodes[0]]
                                                               : row.kind;
      ms_of[op] += row.seconds * 1e3;
    }
    const double rest = (j.profile->profiled_p50 - j.profile->attributed_p50) * 1e3;
    if (rest > 0) ms_of["unattributed"] += rest;
    const std::string group = j.model + " / " + j.backend;
    for (const auto& [op, ms] : ms_of) {
      slices.push_back({group, op, ms});
      f.table.rows.push_back({TextCell(j.device), TextCell(j.model), TextCell(j.backend),
                              TextCell(op), NumberCell(ms, 3)});
    }
  }
  if (slices.empty()) {
    f.no_data =
        "no data: run `edgebench profile --model M --backends all` to store per-layer "
        "profiles";
  } else {
    f.spec = StackedBarSpec(slices, "milliseconds per inference", "IR operation");
  }
  for (const std::string& line : without) f.caption += " No per-layer profiler: " + line + ".";
  return f;
}

Figure OptimizationFigure(const ReportData& data) {
  Figure f{"optimizations",
           "Optimizations: speed-up per toggle and backend",
           "Median latency of the backend's default configuration divided by the toggled one's "
           "(x; higher is faster, below 1 the toggle slows it down), per model, on the same "
           "device in the same database.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},
                     {"model", "model"},
                     {"backend", "backend"},
                     {"toggles", "toggles"},
                     {"speedup", "speed-up", true}};
  std::map<std::tuple<std::string, std::string, std::string, int>, double> defaults;
  for (const ReportJob& j : data.jobs) {
    if (!j.paper && IsDefaultConfig(j) && Measured(j)) {
      defaults[{j.device, j.model, j.backend_id, j.threads}] = j.p50_ms;
    }
  }
  std::vector<Bar> bars;
  for (const ReportJob& j : data.jobs) {
    if (j.paper || IsDefaultConfig(j) || !j.wrapper.empty() || !Measured(j)) continue;
    const auto base = defaults.find({j.device, j.model, j.backend_id, j.threads});
    if (base == defaults.end()) continue;
    const double speedup = base->second / j.p50_ms;
    bars.push_back({j.model, j.backend, speedup, kNaN, kNaN, ""});
    f.table.rows.push_back(
        {TextCell(j.device), TextCell(j.model), TextCell(j.backend_id),
         TextCell(OptimizationText(j)), NumberCell(speedup, 3),
         std::isfinite(j.pass_deviation) ? NumberCell(j.pass_deviation, 4) : TextCell("-")});
  }
  if (bars.empty()) {
    f.no_data =
        "no data: run a comparison such as `edgebench run --backends onednn --opt none "
        "--opt no-fusion`";
  } else {
    f.spec =
        GroupedBarSpec(bars, "speed-up over the default (x, log scale)", "backend+toggles", true);
  }
  return f;
}

Figure CompatibilityFigure(const ReportData& data) {
  Figure f{"compatibility",
           "Compatibility matrix",
           "Each model x backend as stored: ok, unsupported (with the backend's reason), failed, "
           "crashed or timed out.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},
                     {"model", "model"},
                     {"backend", "backend"},
                     {"status", "status"},
                     {"detail", "detail"}};
  for (const ReportJob& j : data.jobs) {
    if (j.paper) continue;
    f.table.rows.push_back({TextCell(j.device), TextCell(j.model), TextCell(j.backend),
                            TextCell(j.status), TextCell(j.status == "ok" ? "" : j.detail)});
  }
  if (f.table.rows.empty()) f.no_data = "no data: run `edgebench run` first";
  return f;
}

Figure EnvironmentFigure(const ReportData& data) {
  Figure f{"environment",
           "Devices and their environment",
           "What each run recorded about its machine (latest run per device); the study's "
           "devices from its Table III.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {
      {"device", "device"}, {"source", "source"}, {"key", "key"}, {"value", "value"}};
  for (const ReportDevice& d : data.devices) {
    if (d.paper) {
      f.table.rows.push_back(
          {TextCell(d.label), TextCell(d.database), TextCell("category"), TextCell(d.category)});
      f.table.rows.push_back(
          {TextCell(d.label), TextCell(d.database), TextCell("cpu"), TextCell(d.cpu)});
      continue;
    }
    const nlohmann::json env = nlohmann::json::parse(d.environment_json, nullptr, false);
    if (!env.is_object()) continue;
    for (const auto& [key, value] : env.items()) {
      if (value.is_object() || value.is_array()) continue;
      f.table.rows.push_back(
          {TextCell(d.label), TextCell(d.database), TextCell(key),
           TextCell(value.is_string() ? value.get<std::string>() : value.dump())});
    }
  }
  return f;
}

}  // namespace

std::vector<Figure> BuildFigures(const ReportData& data, const FigureOptions& options) {
  std::vector<Figure> figures;
  figures.push_back(ModelFigure(data));
  figures.push_back(LatencyFigure(data));
  figures.push_back(BestBackendFigure(data));
  figures.push_back(FrameworkFigure(data, options));
  figures.push_back(DevicesFigure(data));
  figures.push_back(DeviceSpeedupFigure(data, options));
  figures.push_back(StartupFigure(data));
  figures.push_back(MemoryFigure(data));
  figures.push_back(EnergyFigure(data));
  figures.push_back(PowerLatencyFigure(data));
  figures.push_back(SoakFigure(data));
  figures.push_back(OptimizationFigure(data));
  figures.push_back(ProfileFigure(data));
  figures.push_back(ContainerFigure(data));
  figures.push_back(RooflineFigure(data));
  figures.push_back(DistributionFigure(data));
  figures.push_back(CompatibilityFigure(data));
  figures.push_back(EnvironmentFigure(data));
  return figures;
}

}  // namespace edgebench::report
