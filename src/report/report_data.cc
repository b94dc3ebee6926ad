#include "report/report_data.h"

#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "report/paper_reference.h"
#include "report/roofline.h"
#include "store/pooled_jobs.h"
#include "store/results_store.h"

namespace edgebench::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Ms(double seconds) { return std::isfinite(seconds) ? seconds * 1e3 : kNaN; }

// The CPU as the report names a device's; a run under emulation (qemu-user, as the ARM64
// tests run) says so, so its timings are never read as that CPU's.
std::string CpuOf(const std::string& environment_json) {
  const nlohmann::json env = nlohmann::json::parse(environment_json, nullptr, false);
  if (!env.is_object()) return "";
  std::string cpu;
  if (env.contains("cpu_model") && env["cpu_model"].is_string()) {
    cpu = env["cpu_model"].get<std::string>();
  }
  const auto emulated = env.find("emulated");
  if (emulated != env.end() && emulated->is_boolean() && emulated->get<bool>()) {
    const std::string architecture = env.contains("architecture") && env["architecture"].is_string()
                                         ? env["architecture"].get<std::string>()
                                         : "another architecture";
    cpu += (cpu.empty() ? "" : " ") +
           ("(emulated " + architecture + ": timings are the emulator's, not the CPU's)");
  }
  return cpu;
}

ReportJob FromPooled(const harness::PooledJob& job, const std::string& device,
                     const std::optional<harness::peak::MachinePeak>& peak) {
  ReportJob r;
  r.device = device;
  r.model = harness::ModelLabel(job.config);
  r.backend = harness::BackendLabel(job.config);
  r.backend_id = job.config.backend;
  r.toggles = job.config.toggles;
  r.precision = job.config.precision;
  r.wrapper = job.config.wrapper;
  r.threads = job.config.threads;
  r.status = harness::JobStatusName(job.status);
  const harness::SampleSummary& s = job.pooled.summary;
  r.samples = s.count;
  r.valid = job.status == harness::JobStatus::kOk && s.count > 0 && s.valid;
  const bool measured = job.status == harness::JobStatus::kOk && s.count > 0;
  r.p50_ms = measured ? Ms(s.p50) : kNaN;
  r.ci_low_ms = measured ? Ms(s.median_ci_low) : kNaN;
  r.ci_high_ms = measured ? Ms(s.median_ci_high) : kNaN;
  r.p90_ms = measured ? Ms(s.p90) : kNaN;
  r.min_ms = measured ? Ms(s.min) : kNaN;
  r.max_ms = measured ? Ms(s.max) : kNaN;
  for (const harness::JobResult& rep : job.repetitions) {
    if (r.detail.empty() && rep.status != harness::JobStatus::kOk) r.detail = rep.error;
    r.peak_rss_mib = std::max(r.peak_rss_mib, rep.peak_rss_bytes / (1024.0 * 1024.0));
    r.footprint_mib = std::max(r.footprint_mib, rep.footprint_bytes / (1024.0 * 1024.0));
    r.macs = std::max(r.macs, rep.model_macs);
    r.flops = std::max(r.flops, rep.model_flops);
    r.bytes = std::max(r.bytes, rep.model_bytes);
  }
  if (measured && !s.valid) r.detail = s.verdict_reason;
  if (!job.repetitions.empty()) {
    const harness::JobResult& first = job.repetitions.front();
    r.process_start_ms = Ms(first.phases.process_start);
    r.library_load_ms = Ms(first.phases.library_load);
    r.model_load_ms = Ms(first.phases.model_load);
    r.prepare_ms = Ms(first.phases.prepare);
    r.first_run_ms = Ms(first.phases.first_run);
    r.cold_start = first.cold_start;
  }
  r.peak_gflops = peak ? PeakGflopsFor(*peak, r.threads) : kNaN;
  r.energy_mj = r.energy_above_idle_mj = r.average_watts = r.max_celsius = kNaN;
  r.pass_deviation = kNaN;
  for (const harness::JobResult& rep : job.repetitions) {
    if (rep.graph_passes && rep.graph_passes->quality_inputs > 0) {
      r.pass_deviation = rep.graph_passes->rel_l2_mean;
      break;
    }
  }
  return r;
}

// Energy, temperature and profile of a job, from the first of its stored repetitions that
// has them.
void AddStoredExtras(const store::ResultsStore& db, const std::vector<int64_t>& job_ids,
                     ReportJob& r) {
  for (int64_t id : job_ids) {
    if (!r.profile) r.profile = db.LayerProfileOf(id);
    if (!std::isnan(r.energy_mj) && !std::isnan(r.max_celsius)) continue;
    const std::optional<harness::JobEnergy> energy = db.JobEnergyOf(id);
    if (!energy) continue;
    for (const harness::SourceFigures& f : energy->figures) {
      if (std::isnan(r.energy_mj) && f.mj_per_inference) {
        r.energy_mj = *f.mj_per_inference;
        r.energy_above_idle_mj = f.idle_subtracted_mj_per_inference.value_or(kNaN);
        r.average_watts = f.average_watts.value_or(kNaN);
        r.energy_boundary = f.boundary;
      }
      if (f.kind == "temperature" && f.max_value) {
        r.max_celsius =
            std::isnan(r.max_celsius) ? *f.max_value : std::max(r.max_celsius, *f.max_value);
      }
    }
  }
}

void AddPaper(ReportData& data) {
  std::set<std::string> seen_devices;
  for (const PaperResult& p : PaperResults()) {
    if (p.metric != "latency_ms") continue;
    // One number per (device, framework, model): the first figure that printed it.
    bool duplicate = false;
    for (const ReportJob& j : data.jobs) {
      duplicate = duplicate || (j.paper && j.device == p.device && j.backend == p.framework &&
                                j.model == p.model);
    }
    if (duplicate) continue;
    ReportJob r;
    r.device = p.device;
    r.paper = true;
    r.model = p.model;
    r.backend = r.backend_id = p.framework;
    r.status = "ok";
    r.valid = true;
    r.p50_ms = p.value;  // the study's mean, shown as its central value
    r.ci_low_ms = r.ci_high_ms = r.p90_ms = r.min_ms = r.max_ms = kNaN;
    r.process_start_ms = r.library_load_ms = r.model_load_ms = r.prepare_ms = r.first_run_ms = kNaN;
    r.peak_gflops = kNaN;
    r.energy_mj = r.energy_above_idle_mj = r.average_watts = r.max_celsius = kNaN;
    r.pass_deviation = kNaN;
    r.detail = "published in the study (" + p.figure + ", " + p.source + ")";
    data.jobs.push_back(std::move(r));
    seen_devices.insert(p.device);
  }
  for (const PaperDevice& d : PaperDevices()) {
    if (!seen_devices.contains(d.device)) continue;
    data.devices.push_back({d.device, "the study (IISWC'19)", d.cpu, "{}", true, d.category});
  }
}

}  // namespace

ReportData LoadReportData(const std::vector<std::string>& databases, bool paper) {
  ReportData data;
  data.databases = databases;
  for (const std::string& path : databases) {
    store::ResultsStore db = store::ResultsStore::OpenReadOnly(path);
    // Latest run first, so an older run's measurement of the same configuration on the
    // same device is skipped.
    std::vector<store::StoredRun> runs = db.Runs();
    std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
    std::set<std::pair<std::string, std::string>> taken;  // (device, config key)
    // Devices in the order they first ran, each with its latest environment.
    std::map<std::string, size_t> device_at;
    for (auto run = runs.rbegin(); run != runs.rend(); ++run) {
      const std::string& device = run->info.device_label;
      if (!device_at.contains(device)) {
        device_at[device] = data.devices.size();
        data.devices.push_back({device, path, "", "{}", false, "yours"});
      }
      ReportDevice& d = data.devices[device_at[device]];
      d.cpu = CpuOf(run->info.environment_json);
      d.environment_json = run->info.environment_json;
    }
    for (const store::StoredRun& run : runs) {
      const std::string& device = run.info.device_label;
      const std::optional<harness::peak::MachinePeak> peak =
          MachinePeakOfRun(run.info.environment_json);
      std::map<std::string, std::vector<int64_t>> ids_of;  // config key -> stored job ids
      for (const store::StoredJob& stored : db.Jobs(run.id)) {
        ids_of[harness::ConfigKey(stored.result.config)].push_back(stored.id);
      }
      for (const harness::PooledJob& job : store::PooledJobs(db, run.id)) {
        const std::string key = harness::ConfigKey(job.config);
        if (!taken.insert({device, key}).second) continue;
        data.jobs.push_back(FromPooled(job, device, peak));
        AddStoredExtras(db, ids_of[key], data.jobs.back());
      }
    }
    std::vector<ReportSoak> soaks = LoadSoaks(db);
    data.soaks.insert(data.soaks.end(), soaks.begin(), soaks.end());
  }
  if (paper) AddPaper(data);
  return data;
}

}  // namespace edgebench::report
