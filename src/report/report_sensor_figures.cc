#include "report/report_sensor_figures.h"

#include <fmt/format.h>

#include <cmath>

#include "report/figure_helpers.h"
#include "report/vega_specs.h"

namespace edgebench::report {

Figure PowerLatencyFigure(const ReportData& data) {
  Figure f{"power-latency",
           "Power against latency",
           "Average power over the measured window (W, from the job's first energy source) "
           "against the median latency (ms), log-log, one color per backend and sensor "
           "boundary; energy per inference is their product, so points on a falling "
           "diagonal cost the same energy.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},        {"model", "model"},
                     {"backend", "backend"},      {"boundary", "boundary"},
                     {"p50_ms", "p50 ms", true},  {"watts", "average W", true},
                     {"mj", "mJ/inference", true}};
  std::vector<Point> points;
  for (const ReportJob* j : YourDefaultJobs(data)) {
    if (!std::isfinite(j->average_watts) || !(j->average_watts > 0)) continue;
    points.push_back({j->p50_ms, j->average_watts,
                      SeriesName(data, *j) + " [" + j->energy_boundary + "]", j->model});
    f.table.rows.push_back({TextCell(j->device), TextCell(j->model), TextCell(j->backend),
                            TextCell(j->energy_boundary), NumberCell(j->p50_ms, 3),
                            NumberCell(j->average_watts, 2), NumberCell(j->energy_mj, 3)});
  }
  if (points.empty()) {
    f.no_data =
        "no data: no power sensor was recorded; run on a machine where `edgebench "
        "sensors` lists one (RAPL, hwmon, NVML) or give an external meter "
        "(--power-cmd, --power-log)";
  } else {
    f.spec = ScatterSpec(points, {}, "median latency (ms, log scale)",
                         "average power (W, log scale)", "backend [boundary]");
  }
  return f;
}

Figure SoakFigure(const ReportData& data) {
  Figure f{"power-temperature",
           "Latency, power, temperature and clocks over time",
           "A soak run (`edgebench soak`): the median latency (ms), power (W), temperatures "
           "(C) and clocks (MHz) against seconds since measuring began, each line averaged "
           "over 1/200 of the run; a dashed line marks the time to throttle when the "
           "throttle rule saw it.",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},
                     {"model", "model"},
                     {"backend", "backend"},
                     {"seconds", "duration s", true},
                     {"throttle_s", "throttled after s", true},
                     {"verdict", "throttle rule"}};
  for (const ReportSoak& soak : data.soaks) {
    f.table.rows.push_back({TextCell(soak.device), TextCell(soak.model), TextCell(soak.backend),
                            NumberCell(soak.duration_s, 1),
                            soak.time_to_throttle_s ? NumberCell(*soak.time_to_throttle_s, 1)
                                                    : TextCell("not throttled"),
                            TextCell(soak.throttle_reason)});
  }
  const ReportSoak* shown = nullptr;
  for (const ReportSoak& soak : data.soaks) {
    if (!soak.series.empty()) {
      shown = &soak;
      break;
    }
  }
  if (shown == nullptr) {
    f.no_data =
        "no data: no soak run stored; run `edgebench soak --model M --backend B "
        "--duration 5m` (power and temperature lines need a machine with sensors)";
    return f;
  }
  f.title += fmt::format(": {} on {} ({})", shown->model, shown->backend, shown->device);
  std::vector<TimedPoint> points;
  for (const ReportSeries& series : shown->series) {
    for (size_t i = 0; i < series.seconds.size(); ++i) {
      points.push_back({series.quantity, series.name, series.seconds[i], series.values[i]});
    }
  }
  f.spec = PanelLinesSpec(points, shown->time_to_throttle_s, "seconds since measuring began");
  return f;
}

}  // namespace edgebench::report
