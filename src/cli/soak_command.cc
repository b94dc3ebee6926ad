#include "cli/soak_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <memory>

#include "backends/registry.h"
#include "cli/energy_options.h"
#include "cli/job_selection.h"
#include "cli/option_checks.h"
#include "common/build_info.h"
#include "common/json_text.h"
#include "harness/environment.h"
#include "harness/reference_cache.h"
#include "harness/statistics.h"
#include "harness/thermal_protocol.h"
#include "report/table.h"
#include "store/results_store.h"
#include "zoo/seeded_weights.h"

namespace edgebench::cli {
namespace {

struct SoakOptions {
  std::string model;
  std::string backend;
  std::string duration = "5m";
  int threads = 1;
  std::string buckets_text = "20";
  std::string db = "edgebench.db";
  std::string format = "table";
  bool no_verify = false;
  std::string plugin_dir;
  std::string cache_dir;
  std::string device_label;
  EnergyCliOptions energy;
};

std::optional<double> Median(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The index of the source behind `figure` in the samples, or nothing.
std::optional<size_t> SourceIndex(const std::vector<sensors::SensorSample>& samples,
                                  const harness::SourceFigures* figure) {
  if (figure == nullptr || samples.empty()) return std::nullopt;
  for (size_t i = 0; i < samples.front().readings.size(); ++i) {
    if (samples.front().readings[i].source->id == figure->source_id) return i;
  }
  return std::nullopt;
}

// One row per bucket of the soak: latency, the headline boundary's power, the hottest
// temperature and the slowest clock over time.
report::Table OverTime(const harness::JobResult& result,
                       const std::vector<sensors::SensorSample>& samples,
                       const harness::JobEnergy& energy, double bucket) {
  const harness::SourceFigures* power = harness::HeadlineEnergy(energy.figures);
  const std::optional<size_t> power_index = SourceIndex(samples, power);
  const harness::ThrottleInputs inputs =
      harness::ThrottleInputsOf(samples, result.samples, result.measure_start_s);
  report::Table table;
  table.columns = {
      {"from_s", "from(s)", true},    {"p50_ms", "p50(ms)", true},
      {"inferences", "n", true},      {"watts", power ? "W " + power->boundary : "W", true},
      {"max_celsius", "C max", true}, {"min_clock_mhz", "MHz min", true}};
  const double t0 = result.measure_start_s;
  // The loop stops a hair after the duration: that sliver joins the last bucket.
  const auto count = std::max<long long>(1, std::llround((result.measure_end_s - t0) / bucket));
  for (long long k = 0; k < count; ++k) {
    const double from = t0 + static_cast<double>(k) * bucket;
    const double to = k + 1 == count ? result.measure_end_s : from + bucket;
    std::vector<double> latencies;
    for (const sensors::TimedValue& v : inputs.latencies) {
      if (v.seconds > from && v.seconds <= to) latencies.push_back(v.value);
    }
    std::optional<double> hottest, slowest, watts;
    for (const sensors::TimedValue& v : inputs.hottest_celsius) {
      if (v.seconds >= from && v.seconds <= to)
        hottest = std::max(hottest.value_or(v.value), v.value);
    }
    for (const auto& clock : inputs.clocks_mhz) {
      for (const sensors::TimedValue& v : clock) {
        if (v.seconds >= from && v.seconds <= to)
          slowest = std::min(slowest.value_or(v.value), v.value);
      }
    }
    if (power_index) {
      const sensors::EnergyResult e = sensors::EnergyOf(samples, *power_index, from, to);
      if (e.estimate) watts = e.estimate->average_watts;
    }
    const auto latency = Median(latencies);
    table.rows.push_back(
        {report::NumberCell(from - t0, 1),
         latency ? report::NumberCell(*latency * 1e3, 3) : report::TextCell("-"),
         report::IntegerCell(static_cast<long long>(latencies.size())),
         watts ? report::NumberCell(*watts, 2) : report::TextCell(power ? "-" : "n/a (no sensor)"),
         hottest ? report::NumberCell(*hottest, 1) : report::TextCell("n/a (no sensor)"),
         slowest ? report::NumberCell(*slowest, 0) : report::TextCell("n/a")});
  }
  return table;
}

int RunSoak(SoakOptions options) {
  const std::optional<double> duration = ParseDuration(options.duration);
  const auto format = report::ParseOutputFormat(options.format);
  const std::optional<int64_t> buckets = ParseInteger(options.buckets_text, 2, 10000);
  if (!duration || !format || !buckets) {
    std::cerr << "edgebench: bad --duration '" << options.duration
              << "' (e.g. 5m, 90s, 1h) or --buckets (2 to 10000)\n";
    return kExitUsage;
  }
  std::string energy_error;
  std::optional<harness::EnergyOptions> energy_options =
      ToEnergyOptions(options.energy, energy_error);
  if (!energy_options) {
    std::cerr << "edgebench: " << energy_error << "\n";
    return kExitUsage;
  }
  const backends::BackendRegistry registry = backends::DefaultRegistry(
      options.plugin_dir.empty() ? backends::DefaultPluginDir() : options.plugin_dir);
  // One measured loop for the whole duration: no CI target, no run cap.
  const harness::MeasureOptions measure{.warmup_runs = 2,
                                        .warmup_time = 0.2,
                                        .min_runs = 1,
                                        .min_time = *duration,
                                        .max_runs = int64_t{1} << 50,
                                        .max_time = *duration,
                                        .target_ci = 0};
  harness::JobLauncher launcher(
      {.mode = harness::WorkerRequest::Mode::kRun,
       .measure = measure,
       .verify = !options.no_verify,
       .plugin_dir = registry.plugin_dir(),
       .cache_dir = options.cache_dir.empty() ? harness::DefaultCacheDir() : options.cache_dir,
       .runner = {.timeout_seconds = *duration + 600}});
  std::vector<std::string> models, backend_ids;
  const bool is_file = options.model.find('/') != std::string::npos ||
                       options.model.ends_with(".onnx") || options.model.ends_with(".cfg");
  if (!ExpandModels(is_file ? "" : options.model,
                    is_file ? std::vector<std::string>{options.model} : std::vector<std::string>{},
                    "", launcher, models) ||
      !ExpandBackends(options.backend, registry, registry.List(), backend_ids)) {
    return kExitUsage;
  }
  if (models.size() != 1 || backend_ids.size() != 1) {
    std::cerr << "edgebench: soak runs one --model on one --backend\n";
    return kExitUsage;
  }
  std::optional<store::ResultsStore> store;
  try {
    store.emplace(store::ResultsStore::Open(options.db));
  } catch (const store::StoreError& error) {
    std::cerr << "edgebench: " << error.what() << "\n";
    return kExitFailure;
  }
  const harness::JobConfig config{.model = models[0],
                                  .backend = backend_ids[0],
                                  .threads = options.threads,
                                  .weight_seed = zoo::kDefaultWeightSeed};
  std::optional<sensors::SensorSources> sources = DiscoverRunSensors(options.energy, energy_error);
  if (!sources) {
    std::cerr << "edgebench: " << energy_error << "\n";
    return kExitUsage;
  }
  const harness::JobEnergyMonitor monitor(std::move(*sources), *energy_options);
  const double bucket = *duration / static_cast<double>(*buckets);
  const harness::Environment environment = harness::CaptureEnvironment();
  const int64_t run_id = store->BeginRun(
      {.device_label = options.device_label.empty() ? environment.hostname : options.device_label,
       .command_line = Invocation(),
       .environment_json = JsonText(harness::ToJson(environment)),
       .build_revision = std::string(BuildRevision()) + (BuildDirty() ? "-dirty" : ""),
       .tool_version = BuildVersion(),
       .schedule_json = JsonText(
           {{"soak", {{"duration_s", *duration}, {"bucket_s", bucket}}}, {"repetitions", 1}})});
  std::cerr << fmt::format("soaking {} on {} for {:g} s ({} sensor sources)...\n", config.model,
                           config.backend, *duration, monitor.sources().size());
  launcher.Prepare(config);
  harness::JobEnergy energy;
  std::vector<sensors::SensorSample> samples;
  harness::JobResult result =
      monitor.Measure([&] { return launcher.Run(config, 1); }, energy, &samples);
  result.config = config;
  const bool measured = result.status == harness::JobStatus::kOk && !result.samples.empty();
  if (measured) {
    result.summary = harness::Summarize(result.samples, {});
    energy.thermal.time_to_throttle_seconds = harness::TimeToThrottle(
        harness::ThrottleInputsOf(samples, result.samples, result.measure_start_s),
        result.measure_start_s, result.measure_end_s, bucket);
  }
  const int64_t job_id =
      store->RecordJob(run_id, result, monitor.sources().empty() ? nullptr : &energy);
  store->FinishRun(run_id);
  if (!options.energy.power_log.empty()) {
    for (const std::string& problem :
         ApplyPowerLog(*store, options.energy.power_log,
                       {{job_id, result.measure_start_s, result.measure_end_s,
                         static_cast<int64_t>(result.samples.size())}})) {
      std::cerr << "edgebench: " << problem << "\n";
    }
    if (const auto stored = store->JobEnergyOf(job_id)) energy.figures = stored->figures;
  }
  if (!measured) {
    std::cerr << fmt::format("edgebench: soak ended {}: {}\n",
                             harness::JobStatusName(result.status), result.error);
    return kExitFailure;
  }
  std::cout << report::Render(OverTime(result, samples, energy, bucket), *format);
  if (*format != report::OutputFormat::kTable) return kExitOk;
  const harness::SourceFigures* headline = harness::HeadlineEnergy(energy.figures);
  const harness::SourceFigures* hottest = harness::HottestTemperature(energy.figures);
  std::cout << fmt::format("\n{} x {}: {} inferences in {:.1f} s, p50 {:.3f} ms\n", config.model,
                           config.backend, result.samples.size(),
                           result.measure_end_s - result.measure_start_s, result.summary.p50 * 1e3);
  std::cout << (headline
                    ? fmt::format("energy: {:.3f} mJ/inference, {:.2f} W average, {:.2f} W "
                                  "peak ({}, {})\n",
                                  *headline->mj_per_inference, *headline->average_watts,
                                  *headline->peak_watts, headline->boundary, headline->source_id)
                    : std::string("energy: n/a (no sensor)\n"));
  std::cout << (hottest ? fmt::format("temperature: {:.1f} C at start, {:.1f} C at end, {:.1f} C "
                                      "max ({})\n",
                                      *hottest->start_value, *hottest->end_value,
                                      *hottest->max_value, hottest->boundary)
                        : std::string("temperature: n/a (no sensor)\n"));
  if (energy.thermal.time_to_throttle_seconds) {
    std::cout << fmt::format("THROTTLED after {:.1f} s ({})\n",
                             *energy.thermal.time_to_throttle_seconds,
                             energy.thermal.throttle_reason);
  } else {
    std::cout << fmt::format("no throttling seen ({})\n", energy.thermal.throttle_reason.empty()
                                                              ? "no sensors"
                                                              : energy.thermal.throttle_reason);
  }
  std::cout << fmt::format("run {} stored in {} (traces: edgebench export --format json)\n", run_id,
                           options.db);
  return kExitOk;
}

}  // namespace

std::optional<double> ParseDuration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double scale = 1;
  std::string number = text;
  switch (number.back()) {
    case 's':
      number.pop_back();
      break;
    case 'm':
      scale = 60;
      number.pop_back();
      break;
    case 'h':
      scale = 3600;
      number.pop_back();
      break;
    default:
      break;
  }
  double value = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || error != std::errc() || end != number.data() + number.size() ||
      !std::isfinite(value) || value <= 0 || value * scale > 7 * 24 * 3600) {
    return std::nullopt;
  }
  return value * scale;
}

Command AddSoakCommand(CLI::App& app) {
  auto options = std::make_shared<SoakOptions>();
  CLI::App* sub =
      app.add_subcommand("soak",
                         "Run one model on one backend for a long time and record latency, power, "
                         "temperature and clocks over time (time to throttle)");
  sub->add_option("--model", options->model, "Zoo model id or model file")->required();
  sub->add_option("--backend", options->backend, "Backend id")->required();
  sub->add_option("--duration", options->duration, "How long to measure: 90s, 5m, 1h")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return ParseDuration(text) ? "" : "expects a duration such as 90s, 5m or 1h";
          },
          "DURATION"))
      ->capture_default_str();
  sub->add_option("--buckets", options->buckets_text,
                  "Time slices of the report; time to throttle compares each with the first")
      ->capture_default_str();
  sub->add_option("--threads", options->threads, "Threads for the backend")
      ->transform(WholeNumber(1, 4096, "a thread count"))
      ->capture_default_str();
  sub->add_option("--db", options->db,
                  "Results database: an SQLite file or a postgresql:// URL (env EDGEBENCH_DB)")
      ->envname("EDGEBENCH_DB")
      ->check(DatabaseFile())
      ->capture_default_str();
  sub->add_option("--format", options->format, "Output format: table, csv, json or md")
      ->check(CLI::IsMember({"table", "csv", "json", "md"}));
  sub->add_flag("--no-verify", options->no_verify, "Do not check the output against the reference");
  sub->add_option("--device-label", options->device_label, "Name of this machine in the results");
  sub->add_option("--plugin-dir", options->plugin_dir, "Where backend plugins are looked up");
  sub->add_option("--cache-dir", options->cache_dir, "Where reference outputs are cached");
  AddEnergyOptions(sub, options->energy);
  return {sub, [options] { return RunSoak(*options); }};
}

}  // namespace edgebench::cli
