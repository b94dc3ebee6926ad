// The report's figures from hand-made data: the numbers behind each chart computed
// independently here, the study's devices and published numbers, and "no data" lines.
#include "report/report_figures.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "report/paper_reference.h"

namespace edgebench::report {
namespace {

ReportJob Job(std::string device, std::string model, std::string backend, double p50_ms) {
  ReportJob j;
  j.device = std::move(device);
  j.model = std::move(model);
  j.backend = j.backend_id = std::move(backend);
  j.status = "ok";
  j.valid = true;
  j.samples = 20;
  j.p50_ms = p50_ms;
  j.ci_low_ms = p50_ms * 0.99;
  j.ci_high_ms = p50_ms * 1.01;
  j.p90_ms = p50_ms * 1.1;
  j.min_ms = p50_ms * 0.9;
  j.max_ms = p50_ms * 1.5;
  j.process_start_ms = 1;
  j.library_load_ms = 2;
  j.model_load_ms = 3;
  j.prepare_ms = 4;
  j.first_run_ms = p50_ms * 2;
  j.peak_rss_mib = 100;
  j.footprint_mib = 40;
  j.macs = 1'000'000'000;
  j.flops = 2'000'000'000;
  j.bytes = 100'000'000;
  j.peak_gflops = 50;
  return j;
}

const Figure& Find(const std::vector<Figure>& figures, const std::string& id) {
  for (const Figure& f : figures) {
    if (f.id == id) return f;
  }
  ADD_FAILURE() << "no figure " << id;
  static const Figure none{};
  return none;
}

// The cell of `column` (by key) in the first row whose cells contain every `match`.
std::string Cell(const Figure& f, const std::string& column,
                 const std::vector<std::string>& match) {
  size_t index = f.table.columns.size();
  for (size_t i = 0; i < f.table.columns.size(); ++i) {
    if (f.table.columns[i].key == column) index = i;
  }
  EXPECT_LT(index, f.table.columns.size()) << f.id << " has no column " << column;
  for (const auto& row : f.table.rows) {
    bool all = true;
    for (const std::string& m : match) {
      bool found = false;
      for (const auto& cell : row) found = found || cell.text == m;
      all = all && found;
    }
    if (all && index < row.size()) return row[index].text;
  }
  return "";
}

ReportData TwoBackendsTwoModels() {
  ReportData data;
  data.devices.push_back({"board", "r.db", "cpu", "{}", false, "yours"});
  data.jobs = {
      Job("board", "resnet-18", "libtorch-eager", 100), Job("board", "resnet-18", "onednn", 25),
      Job("board", "alexnet", "libtorch-eager", 60), Job("board", "alexnet", "onednn", 40)};
  ReportJob unfused = Job("board", "alexnet", "onednn+no-fusion", 50);
  unfused.backend_id = "onednn";
  unfused.toggles = "no-fusion";
  data.jobs.push_back(unfused);
  return data;
}

TEST(ReportFigures, FrameworkSpeedupDividesTheBaselineAndLabelsTheGeometricMean) {
  const std::vector<Figure> figures = BuildFigures(TwoBackendsTwoModels(), {});
  const Figure& f = Find(figures, "framework-speedup");
  ASSERT_TRUE(f.spec.has_value()) << f.no_data;
  // Tie on model count: the study's baseline, PyTorch (LibTorch eager), is chosen.
  EXPECT_NE(f.title.find("libtorch-eager"), std::string::npos) << f.title;
  EXPECT_EQ(Cell(f, "speedup", {"resnet-18", "onednn"}), "4.00");
  EXPECT_EQ(Cell(f, "speedup", {"alexnet", "onednn"}), "1.50");
  EXPECT_EQ(Cell(f, "speedup", {"geomean", "onednn"}), "2.45");  // sqrt(4 * 1.5)
  EXPECT_NE(f.caption.find("geometric mean"), std::string::npos);
}

TEST(ReportFigures, BestBackendAndOptimizationSpeedups) {
  const std::vector<Figure> figures = BuildFigures(TwoBackendsTwoModels(), {});
  const Figure& best = Find(figures, "best-backend");
  EXPECT_EQ(Cell(best, "best", {"resnet-18"}), "onednn");
  EXPECT_EQ(Cell(best, "margin", {"resnet-18"}), "4.00");
  const Figure& opt = Find(figures, "optimizations");
  ASSERT_TRUE(opt.spec.has_value()) << opt.no_data;
  EXPECT_EQ(Cell(opt, "speedup", {"alexnet", "no-fusion"}), "0.800");  // 40 / 50
}

TEST(ReportFigures, RooflineUsesFlopsOverTheMedianAndThePeak) {
  const std::vector<Figure> figures = BuildFigures(TwoBackendsTwoModels(), {});
  const Figure& f = Find(figures, "roofline");
  ASSERT_TRUE(f.spec.has_value());
  EXPECT_EQ(Cell(f, "gflops", {"resnet-18", "onednn"}), "80.00");  // 2 GFLOP / 25 ms
  EXPECT_EQ(Cell(f, "flop_per_byte", {"resnet-18", "onednn"}), "20.00");
  EXPECT_EQ(Cell(f, "peak_gflops", {"resnet-18", "onednn"}), "50.0");
}

TEST(ReportFigures, SensorSoakAndContainerFiguresSayHowToGetData) {
  const std::vector<Figure> figures = BuildFigures(TwoBackendsTwoModels(), {});
  for (const char* id : {"energy", "power-latency", "power-temperature", "container"}) {
    const Figure& f = Find(figures, id);
    EXPECT_FALSE(f.spec.has_value()) << id;
    EXPECT_EQ(f.no_data.rfind("no data: ", 0), 0u) << id << ": " << f.no_data;
  }
  // A database with nothing measured: every chart says so instead of drawing nothing.
  for (const Figure& f : BuildFigures(ReportData{}, {})) {
    if (f.id == "environment") continue;
    EXPECT_FALSE(f.spec.has_value()) << f.id;
    EXPECT_FALSE(f.no_data.empty()) << f.id;
  }
}

TEST(ReportFigures, PowerAgainstLatencyPlotsEveryJobWithAPowerFigure) {
  ReportData data = TwoBackendsTwoModels();
  data.jobs[1].average_watts = 12.5;  // resnet-18 on onednn, 25 ms
  data.jobs[1].energy_mj = 312.5;
  data.jobs[1].energy_boundary = "cpu-package:0";
  const std::vector<Figure> figures = BuildFigures(data, {});
  const Figure& f = Find(figures, "power-latency");
  ASSERT_TRUE(f.spec.has_value()) << f.no_data;
  ASSERT_EQ(f.table.rows.size(), 1u);
  EXPECT_EQ(Cell(f, "watts", {"resnet-18", "onednn"}), "12.50");
  EXPECT_EQ(Cell(f, "p50_ms", {"resnet-18", "onednn"}), "25.000");
  const nlohmann::json& points = (*f.spec)["data"][0]["values"];
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0]["series"], "onednn [cpu-package:0]");
}

// A 10 s soak: latency doubles after 5 s while a package counter runs at 20 W, a zone
// heats linearly and a clock steps down; the report's lines are bucket statistics of it.
TEST(ReportSoak, LinesAreBucketStatisticsOfTheStoredSamplesAndTraces) {
  std::vector<double> latencies(1000, 0.005);     // 5 s of 5 ms
  latencies.insert(latencies.end(), 500, 0.010);  // then 5 s of 10 ms
  harness::SensorTrace counter{"rapl:0", "cpu-package:0", "energy-counter", "J", {}, {}};
  harness::SensorTrace zone{"thermal:0", "thermal:cpu", "temperature", "C", {}, {}};
  harness::SensorTrace clock{"cpufreq:0", "cpu-core:0", "clock", "MHz", {}, {}};
  harness::SensorTrace flags{"vcgencmd:throttled", "board", "throttle-flags", "flags", {}, {}};
  for (int i = -20; i <= 200; ++i) {  // 20 Hz, from 1 s before the window
    const double t = i * 0.05;
    counter.seconds.push_back(t);
    // 20 W on a counter that wraps at 100 J (at t = 0 and t = 5 s).
    counter.values.push_back(std::fmod(1000 + 20 * t, 100.0));
    zone.seconds.push_back(t);
    zone.values.push_back(40 + 2 * t);
    clock.seconds.push_back(t);
    clock.values.push_back(t < 5 ? 2000 : 1500);
    flags.seconds.push_back(t);
    flags.values.push_back(0);
  }
  const std::vector<ReportSeries> lines =
      SoakSeries(latencies, {counter, zone, clock, flags}, 10.0);
  ASSERT_EQ(lines.size(), 4u);  // latency, power, temperature, clock; flags are not drawn
  EXPECT_EQ(lines[0].quantity, "latency (ms)");
  EXPECT_EQ(lines[0].values.front(), 5.0);
  EXPECT_EQ(lines[0].values.back(), 10.0);
  EXPECT_LE(lines[0].values.size(), static_cast<size_t>(kSoakPoints));
  EXPECT_EQ(lines[1].quantity, "power (W)");
  EXPECT_EQ(lines[1].name, "rapl:0 [cpu-package:0]");
  for (double watts : lines[1].values) EXPECT_NEAR(watts, 20.0, 1e-6);  // wraps left out
  EXPECT_EQ(lines[2].quantity, "temperature (C)");
  EXPECT_GE(lines[2].seconds.front(), 0.0);  // the window only
  EXPECT_NEAR(lines[2].values.front(), 40 + 2 * lines[2].seconds.front(), 0.1);
  EXPECT_EQ(lines[3].quantity, "clock (MHz)");
  EXPECT_EQ(lines[3].values.back(), 1500);

  ReportData data;
  data.soaks.push_back(
      {"board", "resnet-18", "onednn", 10.0, 5.0, "clock 2000 -> 1500 MHz", lines});
  const std::vector<Figure> figures = BuildFigures(data, {});
  const Figure& f = Find(figures, "power-temperature");
  ASSERT_TRUE(f.spec.has_value()) << f.no_data;
  EXPECT_EQ(Cell(f, "throttle_s", {"resnet-18"}), "5.0");
  EXPECT_EQ((*f.spec)["data"][1]["values"][0]["t"], 5.0);  // the time-to-throttle rule
  size_t points = 0;
  for (const ReportSeries& line : lines) points += line.values.size();
  EXPECT_EQ((*f.spec)["data"][0]["values"].size(), points);
}

// The virtualization figure: a wrapped job against its bare counterpart on the same
// device; reduced-precision and wrapped jobs stay out of the default-configuration
// figures.
TEST(ReportFigures, ContainerOverheadIsTheWrappedMedianOverTheBareOne) {
  ReportData data = TwoBackendsTwoModels();
  ReportJob wrapped = Job("board", "resnet-18", "onednn via container:bwrap", 26);  // bare 25
  wrapped.backend_id = "onednn";
  wrapped.wrapper = "container:bwrap";
  data.jobs.push_back(wrapped);
  ReportJob quantized = Job("board", "resnet-18", "onednn [int8]", 10);
  quantized.backend_id = "onednn";
  quantized.precision = "int8";
  data.jobs.push_back(quantized);
  const std::vector<Figure> figures = BuildFigures(data, {});
  const Figure& f = Find(figures, "container");
  ASSERT_TRUE(f.spec.has_value()) << f.no_data;
  ASSERT_EQ(f.table.rows.size(), 1u);
  EXPECT_EQ(Cell(f, "overhead", {"resnet-18"}), "4.00");  // 26 / 25 - 1
  // CIs: 25 +-1 %, 26 +-1 %: 25.74 / 25.25 - 1 and 26.26 / 24.75 - 1.
  EXPECT_EQ(Cell(f, "low", {"resnet-18"}), "1.94");
  EXPECT_EQ(Cell(f, "high", {"resnet-18"}), "6.10");
  EXPECT_EQ(Cell(f, "verdict", {"resnet-18"}), "slower wrapped");
  // The best backend is still onednn's fp32 bare 25 ms, not the int8 or wrapped job...
  EXPECT_EQ(Cell(Find(figures, "best-backend"), "best", {"resnet-18"}), "onednn");
  // ...and int8 is an optimization of onednn: 25 / 10.
  EXPECT_EQ(Cell(Find(figures, "optimizations"), "speedup", {"resnet-18", "int8"}), "2.500");
}

TEST(ReportFigures, DeviceSpeedupIsTheGeometricMeanOverCommonModels) {
  ReportData data = TwoBackendsTwoModels();
  data.devices.push_back({"small-board", "s.db", "cpu", "{}", false, "yours"});
  data.jobs.push_back(Job("small-board", "resnet-18", "onednn", 100));  // 4x slower
  data.jobs.push_back(Job("small-board", "alexnet", "onednn", 40));     // best 40: 1x
  const std::vector<Figure> figures = BuildFigures(data, {});
  const Figure& f = Find(figures, "device-speedup");
  ASSERT_TRUE(f.spec.has_value()) << f.no_data;
  EXPECT_EQ(Cell(f, "speedup", {"small-board"}), "0.50");  // sqrt(0.25 * 1)
  EXPECT_EQ(Cell(f, "models", {"small-board"}), "2");
}

TEST(PaperReference, PublishedResultsAndDevicesParse) {
  const std::vector<PaperResult>& results = PaperResults();
  ASSERT_GT(results.size(), 200u);
  bool found = false;
  for (const PaperResult& r : results) {
    found = found || (r.figure == "fig2" && r.device == "rpi3" && r.framework == "tflite" &&
                      r.model == "resnet-18" && r.metric == "latency_ms" && r.value == 870);
    EXPECT_TRUE(r.metric == "latency_ms" || r.metric == "energy_mj" || r.metric == "power_w" ||
                r.metric == "temp_c")
        << r.metric;
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(PaperDevices().size(), 10u);
}

}  // namespace
}  // namespace edgebench::report
