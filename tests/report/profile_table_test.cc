// The profile table: IR nodes x backends, fused groups, added rows, totals, overhead.
#include "report/profile_table.h"

#include <gtest/gtest.h>

namespace edgebench::report {
namespace {

harness::LayerProfile Profiled() {
  harness::LayerProfile profile;
  profile.runs = 5;
  profile.unprofiled_p50 = 0.0035;
  profile.profiled_p50 = 0.004;
  profile.attributed_p50 = 0.0035;
  profile.nodes = {{"conv", "conv", 1'000'000},
                   {"bn", "batch_norm", 0},
                   {"relu", "relu", 0},
                   {"fc", "fully_connected", 500'000}};
  profile.rows = {{.layer = "conv (convolution)",
                   .ir_nodes = {"conv", "bn", "relu"},
                   .kind = "convolution",
                   .seconds = 0.002,
                   .macs = 1'000'000},
                  {.layer = "reorder before fc", .kind = "reorder", .seconds = 0.0005},
                  {.layer = "fc (inner_product)",
                   .ir_nodes = {"fc"},
                   .kind = "inner_product",
                   .seconds = 0.001,
                   .macs = 500'000}};
  return profile;
}

std::vector<BackendProfile> Backends() {
  return {{.backend = "onednn", .threads = 1, .profile = Profiled()},
          {.backend = "xnnpack",
           .threads = 1,
           .profile = {.no_profiler_reason = "this XNNPACK version has none"}}};
}

TEST(ProfileTable, FusedGroupsShowOnTheirFirstNodeAndAddedRowsBeforeTheNextNode) {
  const Table table = ProfileTable(Backends(), std::nullopt);
  // IR node, op, MMACs, then four... three columns for the one backend that profiled.
  ASSERT_EQ(table.columns.size(), 6u);
  EXPECT_EQ(table.columns[3].key, "onednn_ms");
  ASSERT_EQ(table.rows.size(), 4u + 1u + 5u);  // nodes, the reorder, the summary
  EXPECT_EQ(table.rows[0][0].text, "conv");
  EXPECT_EQ(table.rows[0][3].text, "2.000");  // ms
  EXPECT_EQ(table.rows[0][4].text, "50.0");   // of the profiled 4 ms
  EXPECT_EQ(table.rows[0][5].text, "1.00");   // 2 x 1e6 MACs in 2 ms
  EXPECT_EQ(table.rows[1][3].text, "(fused)");
  EXPECT_EQ(table.rows[2][3].text, "(fused)");
  EXPECT_EQ(table.rows[3][0].text, "+ reorder before fc");
  EXPECT_EQ(table.rows[3][3].text, "0.500");
  EXPECT_EQ(table.rows[4][0].text, "fc");
  EXPECT_EQ(table.rows[4][5].text, "1.00");  // 2 x 5e5 MACs in 1 ms
}

TEST(ProfileTable, TotalsShowTheUnattributedRemainderAndTheOverhead) {
  const Table table = ProfileTable(Backends(), std::nullopt);
  const auto& attributed = table.rows[5];
  EXPECT_EQ(attributed[3].text, "3.500");
  EXPECT_EQ(attributed[4].text, "87.5");
  const auto& rest = table.rows[6];
  EXPECT_EQ(rest[3].text, "0.500");
  EXPECT_EQ(rest[4].text, "12.5");
  EXPECT_EQ(table.rows[7][3].text, "4.000");  // profiled end to end
  EXPECT_EQ(table.rows[8][3].text, "3.500");  // unprofiled end to end
  const auto& overhead = table.rows[9];
  EXPECT_EQ(overhead[3].text, "0.500");
  EXPECT_EQ(overhead[4].text, "14.3");  // 0.5 of 3.5 ms
}

TEST(ProfileTable, APeakAddsAShareOfItPerBackend) {
  harness::peak::MachinePeak peak;
  peak.fma_gflops_1t = 4.0;
  const Table table = ProfileTable(Backends(), peak);
  ASSERT_EQ(table.columns.size(), 7u);
  EXPECT_EQ(table.columns[6].key, "onednn_peak_pct");
  EXPECT_EQ(table.rows[0][6].text, "25.0");  // 1 of 4 GFLOP/s
}

TEST(ProfileTable, ABackendWithoutProfilerIsANoteNotZeros) {
  const std::vector<std::string> notes = ProfileNotes(Backends());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "xnnpack: no per-layer profiler: this XNNPACK version has none");
}

}  // namespace
}  // namespace edgebench::report
