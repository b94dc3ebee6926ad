#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/energy_figures.h"
#include "harness/scheduler.h"
#include "report/table.h"
#include "store/results_store.h"

namespace edgebench::report {

/// What the sensors measured around each repetition of a run's jobs, by ConfigKey; a
/// repetition recorded without measurements is absent.
using JobEnergies = std::map<std::string, std::vector<harness::JobEnergy>>;
JobEnergies EnergiesOfRun(const store::ResultsStore& store, int64_t run_id);

/// The text a figure shows when the machine has no sensor for it.
inline constexpr const char* kNoSensor = "n/a (no sensor)";

/// Adds energy columns before `table`'s last column (the detail) of a pooled results
/// table whose rows follow `jobs`: energy per inference (mJ), idle-subtracted, average and
/// peak power (W) of one boundary (harness::HeadlineEnergy, median over repetitions), that
/// boundary, the hottest temperature (C), the lowest clock (MHz), and the throttle verdict.
/// Jobs measured without a sensor show kNoSensor.
void AppendEnergyColumns(Table& table, const std::vector<harness::PooledJob>& jobs,
                         const JobEnergies& energies);

/// One job's measurements for exports: every source's figures with its boundary, the
/// thermal record, and (when present) the traces.
nlohmann::json EnergyJson(const harness::JobEnergy& energy);

}  // namespace edgebench::report
