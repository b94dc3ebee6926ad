#pragma once

#include <cstddef>
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
  /// For the aligned text table only: longer cells are cut to this many bytes, ending in
  /// "..." (0: never). CSV, JSON and Markdown always carry the whole text.
  size_t terminal_width = 0;
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

/// Renders the table; CSV fields are quoted by libcsv, JSON is an array of objects. Only
/// the aligned text table shortens cells (Column::terminal_width) and puts line breaks on
/// one line; the other formats are exports and keep every character.
std::string Render(const Table& table, OutputFormat format);

}  // namespace edgebench::report
