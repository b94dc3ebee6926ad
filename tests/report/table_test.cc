#include "report/table.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace edgebench::report {
namespace {

Table SampleTable() {
  Table table;
  table.columns = {{"name", "model"}, {"gmac", "GMAC", true}};
  table.rows = {{TextCell("resnet-18"), NumberCell(1.8141, 3)},
                {TextCell("odd, \"quoted\" | name"), NumberCell(0.5, 1)}};
  return table;
}

TEST(TableTest, ParsesKnownFormatsOnly) {
  EXPECT_EQ(ParseOutputFormat("csv"), OutputFormat::kCsv);
  EXPECT_EQ(ParseOutputFormat("md"), OutputFormat::kMarkdown);
  EXPECT_EQ(ParseOutputFormat("xml"), std::nullopt);
}

TEST(TableTest, TextAlignsColumns) {
  EXPECT_EQ(Render(SampleTable(), OutputFormat::kTable),
            "model                  GMAC\n"
            "--------------------  -----\n"
            "resnet-18             1.814\n"
            "odd, \"quoted\" | name    0.5\n");
}

TEST(TableTest, TextPadsByCharactersNotBytes) {
  Table table;
  table.columns = {{"a", "a"}, {"b", "b", true}};
  table.rows = {{TextCell("✓"), TextCell("—")}, {TextCell("no"), TextCell("12")}};
  EXPECT_EQ(Render(table, OutputFormat::kTable),
            "a    b\n"
            "--  --\n"
            "✓    —\n"
            "no  12\n");
}

TEST(TableTest, CsvQuotesFieldsThatNeedIt) {
  EXPECT_EQ(Render(SampleTable(), OutputFormat::kCsv),
            "\"model\",\"GMAC\"\n"
            "\"resnet-18\",\"1.814\"\n"
            "\"odd, \"\"quoted\"\" | name\",\"0.5\"\n");
}

TEST(TableTest, JsonKeepsNumbersNumeric) {
  auto rows = nlohmann::json::parse(Render(SampleTable(), OutputFormat::kJson));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["name"], "resnet-18");
  EXPECT_DOUBLE_EQ(rows[0]["gmac"].get<double>(), 1.8141);
  EXPECT_EQ(rows[1]["name"], "odd, \"quoted\" | name");
}

TEST(TableTest, MarkdownEscapesPipes) {
  EXPECT_EQ(Render(SampleTable(), OutputFormat::kMarkdown),
            "| model | GMAC |\n"
            "| --- | ---: |\n"
            "| resnet-18 | 1.814 |\n"
            "| odd, \"quoted\" \\| name | 0.5 |\n");
}

// A cell longer than its column's terminal width, with a line break and a multi-byte
// character (the "µ" is 2 bytes) straddling the cut.
Table LongDetailTable() {
  Table table;
  table.columns = {{"detail", "detail", false, 10}};
  table.rows = {{TextCell("abcdefµghijklmnop\nsecond line")}};
  return table;
}

TEST(TableTest, OnlyTheTerminalTableShortensCells) {
  const std::string text = Render(LongDetailTable(), OutputFormat::kTable);
  EXPECT_EQ(text, "detail\n---------\nabcdef...\n");
  const std::string full = "abcdefµghijklmnop\nsecond line";
  EXPECT_EQ(Render(LongDetailTable(), OutputFormat::kCsv), "\"detail\"\n\"" + full + "\"\n");
  auto rows = nlohmann::json::parse(Render(LongDetailTable(), OutputFormat::kJson));
  EXPECT_EQ(rows[0]["detail"], full);
  EXPECT_EQ(Render(LongDetailTable(), OutputFormat::kMarkdown),
            "| detail |\n| --- |\n| abcdefµghijklmnop<br>second line |\n");
}

TEST(TableTest, TerminalTableKeepsEachRowOnOneLine) {
  Table table;
  table.columns = {{"detail", "detail"}};
  table.rows = {{TextCell("one\ntwo")}};
  EXPECT_EQ(Render(table, OutputFormat::kTable), "detail\n-------\none two\n");
}

}  // namespace
}  // namespace edgebench::report
