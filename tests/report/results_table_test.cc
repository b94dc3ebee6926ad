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

}  // namespace
}  // namespace edgebench::report
