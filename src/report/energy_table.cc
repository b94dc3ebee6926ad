#include "report/energy_table.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace edgebench::report {
namespace {

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The figure of `source_id` in one repetition, or null.
const harness::SourceFigures* FigureOf(const harness::JobEnergy& energy,
                                       const std::string& source_id) {
  for (const harness::SourceFigures& f : energy.figures) {
    if (f.source_id == source_id) return &f;
  }
  return nullptr;
}

// The median over repetitions of one figure of the source `source_id` (a boundary's
// figures are only ever pooled with the same source's).
std::optional<double> PooledFigure(const std::vector<harness::JobEnergy>& reps,
                                   const std::string& source_id,
                                   std::optional<double> harness::SourceFigures::*field) {
  std::vector<double> values;
  for (const harness::JobEnergy& energy : reps) {
    const harness::SourceFigures* f = FigureOf(energy, source_id);
    if (f && (f->*field)) values.push_back(*(f->*field));
  }
  if (values.empty()) return std::nullopt;
  return Median(values);
}

Cell OptionalCell(std::optional<double> value, int decimals) {
  return value ? NumberCell(*value, decimals) : TextCell("-");
}

nlohmann::json Number(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

JobEnergies EnergiesOfRun(const store::ResultsStore& store, int64_t run_id) {
  JobEnergies energies;
  for (const store::StoredJob& job : store.Jobs(run_id)) {
    if (auto energy = store.JobEnergyOf(job.id)) {
      energies[harness::ConfigKey(job.result.config)].push_back(std::move(*energy));
    }
  }
  return energies;
}

void AppendEnergyColumns(Table& table, const std::vector<harness::PooledJob>& jobs,
                         const JobEnergies& energies) {
  const std::vector<Column> columns = {{"mj_per_inference", "mJ/inf", true},
                                       {"idle_subtracted_mj_per_inference", "mJ/inf-idle", true},
                                       {"average_watts", "W", true},
                                       {"peak_watts", "W peak", true},
                                       {"energy_boundary", "energy boundary"},
                                       {"max_celsius", "C max", true},
                                       {"min_clock_mhz", "MHz min", true},
                                       {"throttled", "throttled"}};
  const size_t at = table.columns.empty() ? 0 : table.columns.size() - 1;
  table.columns.insert(table.columns.begin() + static_cast<std::ptrdiff_t>(at), columns.begin(),
                       columns.end());
  for (size_t row = 0; row < table.rows.size() && row < jobs.size(); ++row) {
    std::vector<Cell> cells;
    const auto found = energies.find(harness::ConfigKey(jobs[row].config));
    const std::vector<harness::JobEnergy> none;
    const std::vector<harness::JobEnergy>& reps = found == energies.end() ? none : found->second;
    const harness::SourceFigures* headline = nullptr;
    const harness::SourceFigures* hottest = nullptr;
    const harness::SourceFigures* slowest = nullptr;
    bool throttled = false;
    for (const harness::JobEnergy& energy : reps) {
      if (!headline) headline = harness::HeadlineEnergy(energy.figures);
      if (const auto* h = harness::HottestTemperature(energy.figures);
          h && (!hottest || *h->max_value > *hottest->max_value)) {
        hottest = h;
      }
      if (const auto* s = harness::SlowestClock(energy.figures);
          s && (!slowest || *s->min_value < *slowest->min_value)) {
        slowest = s;
      }
      throttled = throttled || energy.thermal.throttled;
    }
    if (headline) {
      using F = harness::SourceFigures;
      cells = {
          OptionalCell(PooledFigure(reps, headline->source_id, &F::mj_per_inference), 3),
          OptionalCell(
              PooledFigure(reps, headline->source_id, &F::idle_subtracted_mj_per_inference), 3),
          OptionalCell(PooledFigure(reps, headline->source_id, &F::average_watts), 2),
          OptionalCell(PooledFigure(reps, headline->source_id, &F::peak_watts), 2),
          TextCell(headline->boundary + " (" + headline->source_id + ")")};
    } else {
      cells = {TextCell(kNoSensor), TextCell("n/a"), TextCell(kNoSensor), TextCell("n/a"),
               TextCell("")};
    }
    cells.push_back(hottest ? NumberCell(*hottest->max_value, 1) : TextCell(kNoSensor));
    cells.push_back(slowest ? NumberCell(*slowest->min_value, 0) : TextCell("n/a"));
    cells.push_back(TextCell(reps.empty() || !hottest ? "n/a" : (throttled ? "THROTTLED" : "no")));
    std::vector<Cell>& target = table.rows[row];
    const size_t cell_at = std::min(at, target.size());
    target.insert(target.begin() + static_cast<std::ptrdiff_t>(cell_at), cells.begin(),
                  cells.end());
  }
}

nlohmann::json EnergyJson(const harness::JobEnergy& energy) {
  nlohmann::json figures = nlohmann::json::array();
  for (const harness::SourceFigures& f : energy.figures) {
    figures.push_back(
        {{"source_id", f.source_id},
         {"boundary", f.boundary},
         {"kind", f.kind},
         {"unit", f.unit},
         {"method", f.method},
         {"joules", Number(f.joules)},
         {"mj_per_inference", Number(f.mj_per_inference)},
         {"idle_watts", Number(f.idle_watts)},
         {"idle_subtracted_mj_per_inference", Number(f.idle_subtracted_mj_per_inference)},
         {"average_watts", Number(f.average_watts)},
         {"peak_watts", Number(f.peak_watts)},
         {"start_value", Number(f.start_value)},
         {"end_value", Number(f.end_value)},
         {"min_value", Number(f.min_value)},
         {"max_value", Number(f.max_value)},
         {"problem", f.problem}});
  }
  nlohmann::json traces = nlohmann::json::array();
  for (const harness::SensorTrace& t : energy.traces) {
    traces.push_back({{"source_id", t.source_id},
                      {"boundary", t.boundary},
                      {"kind", t.kind},
                      {"unit", t.unit},
                      {"seconds", t.seconds},
                      {"values", t.values}});
  }
  const harness::ThermalRecord& thermal = energy.thermal;
  return {{"window_s", energy.window_seconds},
          {"inferences", energy.inferences},
          {"idle_s", energy.idle_seconds},
          {"cooldown_target_c", Number(thermal.cooldown_target_celsius)},
          {"cooldown_wait_s", thermal.cooldown_wait_seconds},
          {"cooldown_reached", thermal.cooldown_reached},
          {"throttled", thermal.throttled},
          {"throttle_reason", thermal.throttle_reason},
          {"time_to_throttle_s", Number(thermal.time_to_throttle_seconds)},
          {"figures", std::move(figures)},
          {"traces", std::move(traces)}};
}

}  // namespace edgebench::report
