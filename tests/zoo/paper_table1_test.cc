#include "zoo/paper_table1.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ir/cost.h"
#include "zoo/model_zoo.h"

namespace edgebench::zoo {
namespace {

double GflopUnder(const Reproduction& how) {
  ir::Graph graph = BuildModel(std::string(how.request));
  return CountedGiga(graph, ir::CountGraph(graph), how.counting);
}

double ParamsMillions(std::string_view request) {
  return static_cast<double>(ir::CountGraph(BuildModel(std::string(request))).params) / 1e6;
}

TEST(PaperTable1Test, CoversEveryStudyModel) {
  size_t study_models = 0;
  for (const ModelEntry& entry : ModelCatalog()) {
    if (!entry.study_model) continue;
    ++study_models;
    EXPECT_NE(FindPaperRow(entry.id), nullptr) << entry.id;
  }
  EXPECT_EQ(PaperTable1().size(), study_models);
}

// Each claimed reproduction builds exactly the named variant and lands within tolerance.
TEST(PaperTable1Test, ClaimedReproductionsHold) {
  for (const PaperRow& row : PaperTable1()) {
    SCOPED_TRACE(std::string(row.id));
    if (!row.gflop_by.request.empty()) {
      EXPECT_TRUE(Reproduces(GflopUnder(row.gflop_by), row.gflop, kMacsTolerance))
          << row.gflop_by.request << " counted as " << CountingName(row.gflop_by.counting);
    }
    if (!row.params_by.request.empty()) {
      EXPECT_TRUE(Reproduces(ParamsMillions(row.params_by.request), row.params_m,
                             kParamsTolerance))
          << row.params_by.request;
    }
  }
}

// A row needs a note exactly when our default model (plain MAC count) is outside
// tolerance, and a row whose figure nothing reproduces must say so in its note.
TEST(PaperTable1Test, NotesExplainEveryDeviation) {
  for (const PaperRow& row : PaperTable1()) {
    SCOPED_TRACE(std::string(row.id));
    ir::GraphCost cost = ir::CountGraph(BuildModel(std::string(row.id)));
    const double gmac = static_cast<double>(cost.macs) / 1e9;
    const double params = static_cast<double>(cost.params) / 1e6;
    const bool within = Reproduces(gmac, row.gflop, kMacsTolerance) &&
                        Reproduces(params, row.params_m, kParamsTolerance);
    EXPECT_EQ(within, row.note.empty()) << "note: " << row.note;
    const bool default_reproduces = row.gflop_by.request == row.id &&
                                    row.gflop_by.counting == Counting::kMac &&
                                    row.params_by.request == row.id;
    EXPECT_EQ(within, default_reproduces);
    if (row.gflop_by.request.empty() || row.params_by.request.empty()) {
      const std::string note(row.note);
      EXPECT_TRUE(note.find("no ") != std::string::npos ||
                  note.find("none") != std::string::npos)
          << "an unreproduced figure must be stated as such: " << note;
    }
  }
}

TEST(PaperTable1Test, ToleranceHonoursThePapersRounding) {
  EXPECT_TRUE(Reproduces(0.0147, 0.01, kMacsTolerance));   // prints as 0.01
  EXPECT_FALSE(Reproduces(0.0328, 0.01, kMacsTolerance));  // prints as 0.03
  EXPECT_TRUE(Reproduces(4.553, 4.65, kMacsTolerance));    // -2.1 %
  EXPECT_FALSE(Reproduces(6.12, 12.27, kMacsTolerance));
}

TEST(PaperTable1Test, CountingConventions) {
  ir::Graph graph = BuildModel("yolov3@320");
  ir::GraphCost cost = ir::CountGraph(graph);
  EXPECT_DOUBLE_EQ(CountedGiga(graph, cost, Counting::kTwoMac),
                   2 * CountedGiga(graph, cost, Counting::kMac));
  // ptflops adds elementwise work on top of the MACs, a few percent for MobileNet-v2.
  ir::Graph mobilenet = BuildModel("mobilenet-v2");
  ir::GraphCost mobilenet_cost = ir::CountGraph(mobilenet);
  const double mac = CountedGiga(mobilenet, mobilenet_cost, Counting::kMac);
  const double ptflops = CountedGiga(mobilenet, mobilenet_cost, Counting::kPtflops);
  EXPECT_GT(ptflops, mac * 1.05);
  EXPECT_LT(ptflops, mac * 1.10);
}

}  // namespace
}  // namespace edgebench::zoo
