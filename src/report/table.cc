#include "report/table.h"

#include <csv.h>
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/json_text.h"

namespace edgebench::report {
namespace {

// A cell as one terminal line: line breaks become spaces, and a cell longer than
// `width` bytes (0: no limit) is cut at a UTF-8 character boundary and ends in "...".
std::string TerminalText(const std::string& text, size_t width) {
  std::string line = text;
  for (char& ch : line) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  constexpr std::string_view kEllipsis = "...";
  if (width == 0 || line.size() <= width || width <= kEllipsis.size()) return line;
  size_t cut = width - kEllipsis.size();
  // Never split a multi-byte character: back up over continuation bytes (10xxxxxx).
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  line.resize(cut);
  line += kEllipsis;
  return line;
}

// Terminal columns a cell takes: one per character, not per byte, so "✓" or "—" (three
// bytes of UTF-8) pad like any other character. Wide (CJK) characters are not measured.
size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (char ch : text) width += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1 : 0;
  return width;
}

std::string RenderText(const Table& source) {
  Table table = source;
  for (auto& row : table.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      row[c].text = TerminalText(row[c].text, table.columns[c].terminal_width);
    }
  }
  std::vector<size_t> widths;
  for (const Column& column : table.columns) widths.push_back(DisplayWidth(column.header));
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c].text));
    }
  }
  std::string out;
  auto append_row = [&](auto cell_text) {
    std::string line;
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (c > 0) line += "  ";
      const std::string& text = cell_text(c);
      const size_t padding = widths[c] - DisplayWidth(text);
      if (table.columns[c].right_aligned) line.append(padding, ' ');
      line += text;
      if (!table.columns[c].right_aligned) line.append(padding, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  append_row([&](size_t c) -> const std::string& { return table.columns[c].header; });
  std::string rule;
  for (size_t c = 0; c < widths.size(); ++c) {
    if (c > 0) rule += "  ";
    rule.append(widths[c], '-');
  }
  out += rule;
  out += '\n';
  for (const auto& row : table.rows) {
    append_row([&](size_t c) -> const std::string& { return row[c].text; });
  }
  return out;
}

std::string CsvField(const std::string& text) {
  // csv_write needs up to 2n+2 bytes for a field of n bytes (every quote doubled).
  std::string buffer(2 * text.size() + 2, '\0');
  size_t written = csv_write(buffer.data(), buffer.size(), text.data(), text.size());
  buffer.resize(written);
  return buffer;
}

std::string RenderCsv(const Table& table) {
  std::string out;
  auto append_row = [&](auto cell_text) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (c > 0) out += ',';
      out += CsvField(cell_text(c));
    }
    out += "\n";
  };
  append_row([&](size_t c) { return table.columns[c].header; });
  for (const auto& row : table.rows) append_row([&](size_t c) { return row[c].text; });
  return out;
}

std::string RenderJson(const Table& table) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : table.rows) {
    nlohmann::json object = nlohmann::json::object();
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Cell& cell = row[c];
      if (cell.number) {
        object[table.columns[c].key] = *cell.number;
      } else {
        object[table.columns[c].key] = cell.text;
      }
    }
    rows.push_back(std::move(object));
  }
  return JsonText(rows, 2) + "\n";
}

std::string MarkdownEscape(const std::string& text) {
  std::string escaped;
  for (char ch : text) {
    // A line break would end the table row; <br> keeps it inside the cell.
    if (ch == '\n') {
      escaped += "<br>";
      continue;
    }
    if (ch == '\r') continue;
    if (ch == '|') escaped += '\\';
    escaped += ch;
  }
  return escaped;
}

std::string RenderMarkdown(const Table& table) {
  auto append_row = [](std::string& out, auto cell_text, size_t count) {
    out += '|';
    for (size_t c = 0; c < count; ++c) {
      out += ' ';
      out += MarkdownEscape(cell_text(c));
      out += " |";
    }
    out += '\n';
  };
  const size_t count = table.columns.size();
  std::string out;
  append_row(
      out, [&](size_t c) { return table.columns[c].header; }, count);
  append_row(
      out, [&](size_t c) { return std::string(table.columns[c].right_aligned ? "---:" : "---"); },
      count);
  for (const auto& row : table.rows) {
    append_row(
        out, [&](size_t c) { return row[c].text; }, count);
  }
  return out;
}

}  // namespace

std::optional<OutputFormat> ParseOutputFormat(std::string_view text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "csv") return OutputFormat::kCsv;
  if (text == "json") return OutputFormat::kJson;
  if (text == "md") return OutputFormat::kMarkdown;
  return std::nullopt;
}

Cell TextCell(std::string text) { return {std::move(text), std::nullopt}; }

Cell NumberCell(double value, int decimals) {
  return {fmt::format("{:.{}f}", value, decimals), value};
}

Cell IntegerCell(long long value) { return {std::to_string(value), static_cast<double>(value)}; }

std::string Render(const Table& table, OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable:
      return RenderText(table);
    case OutputFormat::kCsv:
      return RenderCsv(table);
    case OutputFormat::kJson:
      return RenderJson(table);
    case OutputFormat::kMarkdown:
      return RenderMarkdown(table);
  }
  return {};
}

}  // namespace edgebench::report
