#include "report/compatibility_matrix.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <utility>

namespace edgebench::report {

const char* CompatibilityMark(Compatibility state) {
  switch (state) {
    case Compatibility::kSupported:
      return "✓";
    case Compatibility::kVerified:
      return "✓ verified";
    case Compatibility::kRan:
      return "✓ ran";
    case Compatibility::kUnsupported:
      return "unsupported";
    case Compatibility::kFailed:
      return "FAILED";
    case Compatibility::kUnavailable:
      return "n/a";
  }
  return "?";
}

Table CompatibilityMatrix(const std::vector<MatrixEntry>& entries,
                          const std::vector<std::string>& models,
                          const std::vector<std::string>& backends,
                          std::vector<std::string>& notes) {
  std::map<std::pair<std::string, std::string>, const MatrixEntry*> cells;
  for (const MatrixEntry& entry : entries) cells[{entry.model, entry.backend}] = &entry;
  // One note per backend and reason, naming every model it applies to: a missing op
  // usually costs several models the same way.
  std::map<std::pair<std::string, std::string>, size_t> note_of;
  std::vector<std::pair<std::string, std::vector<std::string>>> note_models;  // reason line
  Table table;
  table.columns.push_back({"model", "model"});
  for (const std::string& backend : backends) table.columns.push_back({backend, backend});
  for (const std::string& model : models) {
    std::vector<Cell> row = {TextCell(model)};
    for (const std::string& backend : backends) {
      const auto found = cells.find({model, backend});
      if (found == cells.end()) {
        row.push_back(TextCell(""));
        continue;
      }
      const MatrixEntry& entry = *found->second;
      std::string text = CompatibilityMark(entry.state);
      if (!entry.reason.empty()) {
        auto [it, added] = note_of.try_emplace({backend, entry.reason}, note_models.size() + 1);
        if (added) note_models.push_back({fmt::format("{}: {}", backend, entry.reason), {}});
        note_models[it->second - 1].second.push_back(model);
        text += fmt::format(" [{}]", it->second);
      }
      row.push_back(TextCell(std::move(text)));
    }
    table.rows.push_back(std::move(row));
  }
  notes.clear();
  for (size_t i = 0; i < note_models.size(); ++i) {
    const auto& [line, applies_to] = note_models[i];
    notes.push_back(fmt::format("[{}] {} ({})", i + 1, line, fmt::join(applies_to, ", ")));
  }
  return table;
}

Table CompatibilityList(const std::vector<MatrixEntry>& entries) {
  Table table;
  table.columns = {{"model", "model"},
                   {"backend", "backend"},
                   {"state", "state"},
                   {"reason", "reason"},
                   {"source", "source"}};
  for (const MatrixEntry& entry : entries) {
    table.rows.push_back({TextCell(entry.model), TextCell(entry.backend),
                          TextCell(CompatibilityMark(entry.state)), TextCell(entry.reason),
                          TextCell(entry.source)});
  }
  return table;
}

}  // namespace edgebench::report
