#include "harness/peak/machine_peak_json.h"

#include "common/json_integer.h"

namespace edgebench::harness::peak {

using nlohmann::json;

json ToJson(const PeakFigure& figure) {
  return {{"what", figure.what},       {"value", figure.value}, {"unit", figure.unit},
          {"threads", figure.threads}, {"isa", figure.isa},     {"method", figure.method}};
}

PeakFigure PeakFigureFromJson(const json& j) {
  return {.what = j.at("what").get<std::string>(),
          .value = j.at("value").get<double>(),
          .unit = j.at("unit").get<std::string>(),
          .threads = JsonInteger<int>(j.at("threads")),
          .isa = j.at("isa").get<std::string>(),
          .method = j.at("method").get<std::string>()};
}

json ToJson(const MachinePeak& peak) {
  json figures = json::array();
  for (const PeakFigure& figure : peak.figures) figures.push_back(ToJson(figure));
  return {{"isa", peak.isa},
          {"cpu_flags", peak.cpu_flags},
          {"threads_all", peak.threads_all},
          {"trials", peak.trials},
          {"trial_seconds", peak.trial_seconds},
          {"array_bytes", peak.array_bytes},
          {"llc_bytes", peak.llc_bytes},
          {"fma_gflops_1t", peak.fma_gflops_1t},
          {"fma_gflops_all", peak.fma_gflops_all},
          {"bw_copy_gbs_1t", peak.bw_copy_gbs_1t},
          {"bw_copy_gbs_all", peak.bw_copy_gbs_all},
          {"bw_triad_gbs_1t", peak.bw_triad_gbs_1t},
          {"bw_triad_gbs_all", peak.bw_triad_gbs_all},
          {"figures", std::move(figures)}};
}

MachinePeak MachinePeakFromJson(const json& j) {
  MachinePeak peak;
  peak.isa = j.at("isa").get<std::string>();
  peak.cpu_flags = j.at("cpu_flags").get<std::vector<std::string>>();
  peak.threads_all = JsonInteger<int>(j.at("threads_all"));
  peak.trials = JsonInteger<int>(j.at("trials"));
  peak.trial_seconds = j.at("trial_seconds").get<double>();
  peak.array_bytes = JsonInteger<int64_t>(j.at("array_bytes"));
  peak.llc_bytes = JsonInteger<int64_t>(j.at("llc_bytes"));
  peak.fma_gflops_1t = j.at("fma_gflops_1t").get<double>();
  peak.fma_gflops_all = j.at("fma_gflops_all").get<double>();
  peak.bw_copy_gbs_1t = j.at("bw_copy_gbs_1t").get<double>();
  peak.bw_copy_gbs_all = j.at("bw_copy_gbs_all").get<double>();
  peak.bw_triad_gbs_1t = j.at("bw_triad_gbs_1t").get<double>();
  peak.bw_triad_gbs_all = j.at("bw_triad_gbs_all").get<double>();
  for (const json& figure : j.at("figures")) peak.figures.push_back(PeakFigureFromJson(figure));
  return peak;
}

}  // namespace edgebench::harness::peak
