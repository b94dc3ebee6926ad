#include "report/results_table.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace edgebench::report {
namespace {

store::StoredJob FailedJob(const std::string& error) {
  store::StoredJob job;
  job.result.config.model = "resnet-18";
  job.result.config.backend = "opencv";
  job.result.status = harness::JobStatus::kFailed;
  job.result.error = error;
  return job;
}

// The whole failure text, past any terminal width: exports must carry every character.
std::string LongError() {
  std::string error = "cannot prepare:";
  for (int i = 0; i < 40; ++i) error += " layer" + std::to_string(i);
  return error + " END";
}

TEST(ResultsTableTest, ExportsCarryTheWholeDetail) {
  const Table table = ResultsTable({FailedJob(LongError())});
  ASSERT_GT(LongError().size(), 200u);
  EXPECT_NE(Render(table, OutputFormat::kCsv).find(LongError()), std::string::npos);
  EXPECT_NE(Render(table, OutputFormat::kMarkdown).find(LongError()), std::string::npos);
  const auto rows = nlohmann::json::parse(Render(table, OutputFormat::kJson));
  EXPECT_EQ(rows[0]["detail"], LongError());
}

TEST(ResultsTableTest, TerminalTableShortensTheDetail) {
  const std::string text = Render(ResultsTable({FailedJob(LongError())}), OutputFormat::kTable);
  EXPECT_EQ(text.find(" END"), std::string::npos) << text;
  EXPECT_NE(text.find("..."), std::string::npos) << text;
  EXPECT_NE(text.find("cannot prepare: layer0"), std::string::npos) << text;
}

TEST(ResultsTableTest, VerificationExportsCarryTheWholeDetail) {
  const Table table = VerificationTable({FailedJob(LongError())});
  EXPECT_NE(Render(table, OutputFormat::kCsv).find(LongError()), std::string::npos);
  EXPECT_EQ(Render(table, OutputFormat::kTable).find(" END"), std::string::npos);
}

TEST(ResultsTableTest, LossyOptimizationsShowTheirMeasuredDeviation) {
  store::StoredJob pruned = FailedJob("");
  pruned.result.status = harness::JobStatus::kOk;
  pruned.result.config.toggles = "prune=0.5";
  pruned.result.graph_passes = harness::GraphPassResult{
      .quality_inputs = 32, .rel_l2_mean = 0.0123, .rel_l2_max = 0.05, .top1_agreement = 0.75};
  store::StoredJob lossless = FailedJob("");
  lossless.result.graph_passes = harness::GraphPassResult{.summary = "fold-bn: 3 folded"};
  const Table table = ResultsTable({pruned, lossless});
  const auto rows = nlohmann::json::parse(Render(table, OutputFormat::kJson));
  EXPECT_EQ(rows[0]["deviation"], 0.0123);
  EXPECT_EQ(rows[1]["deviation"], "-");
  const std::string text = Render(table, OutputFormat::kTable);
  EXPECT_NE(text.find("1.2e-02/5.0e-02 top1 75%"), std::string::npos) << text;
}

}  // namespace
}  // namespace edgebench::report
