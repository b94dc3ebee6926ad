#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgebench::report {

/// How tabular results are printed: aligned text for people, CSV/JSON for tools,
/// Markdown for pasting into documents.
enum class OutputFormat { kTable, kCsv, kJson, kMarkdown };

/// Parses "table", "csv", "json" or "md"; returns nullopt otherwise.
std::optional<OutputFormat> ParseOutputFormat(std::string_view text);

/// A column: `key` names it in JSON, `header` in the other formats.
struct Column {
  std::string key;
  std::string header;
  bool right_aligned = false;
};

/// A cell's display text, plus its numeric value for JSON when it is a number.
struct Cell {
  std::string text;
  std::optional<double> number;
};

Cell TextCell(std::string text);
/// A number shown with `decimals` digits after the point.
Cell NumberCell(double value, int decimals);
/// An integer shown exactly.
Cell IntegerCell(long long value);

/// Rows of cells under fixed columns; every row has one cell per column.
struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
};

/// Renders the table; CSV fields are quoted by libcsv, JSON is an array of objects.
std::string Render(const Table& table, OutputFormat format);

}  // namespace edgebench::report
