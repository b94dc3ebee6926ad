#include "report/profile_table.h"

#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "report/roofline.h"

namespace edgebench::report {
namespace {

using harness::LayerProfile;
using harness::ProfileRow;

// Where one backend's rows fall among the model's IR nodes.
struct Placement {
  std::map<std::string, std::vector<size_t>> rows_at;   // by the first IR node a row covers
  std::map<std::string, std::set<std::string>> covers;  // that node -> every node its rows cover
  std::set<std::string> fused;                          // covered, but not first of a row
  std::map<std::string, std::vector<size_t>> added_before;  // added rows, by the next IR node
  std::vector<size_t> added_at_end;
};

Placement Place(const LayerProfile& profile, const std::map<std::string, size_t>& position) {
  Placement placement;
  std::vector<size_t> pending;  // added rows waiting for the next row with IR nodes
  for (size_t r = 0; r < profile.rows.size(); ++r) {
    const ProfileRow& row = profile.rows[r];
    std::string first;
    size_t first_position = std::numeric_limits<size_t>::max();
    for (const std::string& node : row.ir_nodes) {
      auto found = position.find(node);
      if (found != position.end() && found->second < first_position) {
        first = node;
        first_position = found->second;
      }
    }
    if (first.empty()) {  // no IR node: work the framework added
      pending.push_back(r);
      continue;
    }
    for (size_t added : pending) placement.added_before[first].push_back(added);
    pending.clear();
    placement.rows_at[first].push_back(r);
    for (const std::string& node : row.ir_nodes) {
      if (position.count(node) == 0) continue;
      placement.covers[first].insert(node);
      if (node != first) placement.fused.insert(node);
    }
  }
  placement.added_at_end = pending;
  // A node that starts one row and is absorbed by another is shown where it starts.
  for (const auto& [node, rows] : placement.rows_at) placement.fused.erase(node);
  return placement;
}

Cell Blank() { return TextCell(""); }

Cell Milliseconds(double seconds) {
  if (!std::isfinite(seconds)) return TextCell("-");
  return NumberCell(seconds * 1e3, 3);
}

Cell Percent(double fraction) {
  if (!std::isfinite(fraction)) return TextCell("-");
  return NumberCell(fraction * 100, 1);
}

// Time, share of the profiled end-to-end median, GFLOP/s and %peak of `macs` done in
// `seconds`.
std::vector<Cell> TimeCells(double seconds, int64_t macs, const BackendProfile& backend,
                            const std::optional<harness::peak::MachinePeak>& peak) {
  const RooflinePoint point = RooflineOf(macs, 0, seconds, backend.threads, peak);
  std::vector<Cell> cells = {
      Milliseconds(seconds), Percent(seconds / backend.profile.profiled_p50),
      std::isfinite(point.gflops) ? NumberCell(point.gflops, 2) : TextCell("-")};
  if (peak) cells.push_back(RooflineCells(point)[1]);
  return cells;
}

std::vector<Cell> BlankCells(bool with_peak) {
  return std::vector<Cell>(with_peak ? 4 : 3, Blank());
}

}  // namespace

Table ProfileTable(const std::vector<BackendProfile>& backends,
                   const std::optional<harness::peak::MachinePeak>& peak) {
  std::vector<const BackendProfile*> shown;
  for (const BackendProfile& backend : backends) {
    if (backend.profile.available()) shown.push_back(&backend);
  }
  // Every profile of one model carries the same node list; take the longest to be safe.
  std::vector<harness::ProfiledNode> nodes;
  for (const BackendProfile* backend : shown) {
    if (backend->profile.nodes.size() > nodes.size()) nodes = backend->profile.nodes;
  }
  std::map<std::string, size_t> position;
  std::map<std::string, int64_t> node_macs;
  int64_t model_macs = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    position.emplace(nodes[i].name, i);
    node_macs[nodes[i].name] = nodes[i].macs;
    model_macs += nodes[i].macs;
  }
  std::vector<Placement> placements;
  for (const BackendProfile* backend : shown) {
    placements.push_back(Place(backend->profile, position));
  }

  Table table;
  table.columns = {{"ir_node", "IR node", false, 48}, {"op", "op"}, {"mmacs", "MMACs", true}};
  for (const BackendProfile* backend : shown) {
    const std::string& b = backend->backend;
    table.columns.push_back({b + "_ms", b + " ms", true});
    table.columns.push_back({b + "_share_pct", b + " %", true});
    table.columns.push_back({b + "_gflops", b + " GFLOP/s", true});
    if (peak) table.columns.push_back({b + "_peak_pct", b + " %peak", true});
  }
  const auto append = [](std::vector<Cell>& row, std::vector<Cell> cells) {
    row.insert(row.end(), cells.begin(), cells.end());
  };
  // Rows a backend added, one table row each, only that backend's cells filled.
  const auto added_rows = [&](const std::vector<size_t>& indices, size_t which) {
    const LayerProfile& profile = shown[which]->profile;
    for (size_t r : indices) {
      const ProfileRow& layer = profile.rows[r];
      std::vector<Cell> row = {TextCell("+ " + layer.layer), TextCell(layer.kind), Blank()};
      for (size_t b = 0; b < shown.size(); ++b) {
        append(row, b == which ? TimeCells(layer.seconds, 0, *shown[b], peak)
                               : BlankCells(peak.has_value()));
      }
      table.rows.push_back(std::move(row));
    }
  };

  for (const harness::ProfiledNode& node : nodes) {
    for (size_t b = 0; b < shown.size(); ++b) {
      auto added = placements[b].added_before.find(node.name);
      if (added != placements[b].added_before.end()) added_rows(added->second, b);
    }
    std::vector<Cell> row = {TextCell(node.name), TextCell(node.op),
                             NumberCell(static_cast<double>(node.macs) / 1e6, 2)};
    for (size_t b = 0; b < shown.size(); ++b) {
      const Placement& placement = placements[b];
      auto rows = placement.rows_at.find(node.name);
      if (rows != placement.rows_at.end()) {
        double seconds = 0;
        for (size_t r : rows->second) seconds += shown[b]->profile.rows[r].seconds;
        int64_t macs = 0;
        for (const std::string& covered : placement.covers.at(node.name)) {
          macs += node_macs[covered];
        }
        append(row, TimeCells(seconds, macs, *shown[b], peak));
      } else {
        std::vector<Cell> cells = BlankCells(peak.has_value());
        // Fused into the layer shown on an earlier node; a node no layer covers took no
        // time of its own (a reshape the framework turned into a view).
        cells[0] = TextCell(placement.fused.count(node.name) != 0 ? "(fused)" : "-");
        append(row, std::move(cells));
      }
    }
    table.rows.push_back(std::move(row));
  }
  for (size_t b = 0; b < shown.size(); ++b) added_rows(placements[b].added_at_end, b);

  // Per backend: what the rows account for against what the backend took end to end.
  const auto summary_row = [&](const std::string& label, auto cells_of) {
    std::vector<Cell> row = {TextCell(label), Blank(), Blank()};
    for (const BackendProfile* backend : shown) append(row, cells_of(*backend));
    table.rows.push_back(std::move(row));
  };
  const auto with_peak_blank = [&](std::vector<Cell> cells) {
    if (peak) cells.push_back(Blank());
    return cells;
  };
  summary_row("= attributed to layers (median of run sums)", [&](const BackendProfile& backend) {
    const double attributed = backend.profile.attributed_p50;
    return with_peak_blank(
        {Milliseconds(attributed), Percent(attributed / backend.profile.profiled_p50), Blank()});
  });
  summary_row("= unattributed (profiled p50 - layers)", [&](const BackendProfile& backend) {
    const double rest = backend.profile.profiled_p50 - backend.profile.attributed_p50;
    return with_peak_blank(
        {Milliseconds(rest), Percent(rest / backend.profile.profiled_p50), Blank()});
  });
  summary_row("= end-to-end p50, profiled", [&](const BackendProfile& backend) {
    return TimeCells(backend.profile.profiled_p50, model_macs, backend, peak);
  });
  summary_row("= end-to-end p50, unprofiled", [&](const BackendProfile& backend) {
    std::vector<Cell> cells = TimeCells(backend.profile.unprofiled_p50, model_macs, backend, peak);
    cells[1] = Blank();  // a share of the profiled time would mean nothing here
    return cells;
  });
  summary_row("= profiling overhead (profiled - unprofiled)", [&](const BackendProfile& backend) {
    const double overhead = backend.profile.profiled_p50 - backend.profile.unprofiled_p50;
    return with_peak_blank(
        {Milliseconds(overhead), Percent(overhead / backend.profile.unprofiled_p50), Blank()});
  });
  return table;
}

std::vector<std::string> ProfileNotes(const std::vector<BackendProfile>& backends) {
  std::vector<std::string> notes;
  for (const BackendProfile& backend : backends) {
    if (!backend.profile.available()) {
      notes.push_back(backend.backend + ": " + harness::NoProfilerText(backend.profile));
    }
  }
  return notes;
}

}  // namespace edgebench::report
