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
  for (const char* id : {"energy", "power-temperature", "container"}) {
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
