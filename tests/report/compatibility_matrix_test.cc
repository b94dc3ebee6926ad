#include "report/compatibility_matrix.h"

#include <gtest/gtest.h>

namespace edgebench::report {
namespace {

TEST(CompatibilityMatrixTest, OneNotePerBackendAndReasonNamingItsModels) {
  const std::vector<MatrixEntry> entries = {
      {.model = "a", .backend = "x", .state = Compatibility::kSupported},
      {.model = "a", .backend = "y", .state = Compatibility::kUnsupported, .reason = "no lrn"},
      {.model = "b", .backend = "x", .state = Compatibility::kVerified},
      {.model = "b", .backend = "y", .state = Compatibility::kUnsupported, .reason = "no lrn"},
      {.model = "c", .backend = "x", .state = Compatibility::kFailed, .reason = "crashed: SIGSEGV"},
  };
  std::vector<std::string> notes;
  const Table table = CompatibilityMatrix(entries, {"a", "b", "c"}, {"x", "y"}, notes);
  ASSERT_EQ(table.columns.size(), 3u);
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0][1].text, "✓");
  EXPECT_EQ(table.rows[0][2].text, "unsupported [1]");
  EXPECT_EQ(table.rows[1][1].text, "✓ verified");
  EXPECT_EQ(table.rows[1][2].text, "unsupported [1]");
  EXPECT_EQ(table.rows[2][1].text, "FAILED [2]");
  EXPECT_EQ(table.rows[2][2].text, "");  // no entry: nothing claimed
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0], "[1] y: no lrn (a, b)");
  EXPECT_EQ(notes[1], "[2] x: crashed: SIGSEGV (c)");
}

TEST(CompatibilityMatrixTest, ListHasOneRowPerEntryWithItsSource) {
  const Table table = CompatibilityList(
      {{.model = "a", .backend = "x", .state = Compatibility::kRan, .source = "run 3"}});
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0][2].text, "✓ ran");
  EXPECT_EQ(table.rows[0][4].text, "run 3");
}

}  // namespace
}  // namespace edgebench::report
