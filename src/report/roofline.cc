#include "report/roofline.h"

#include <algorithm>
#include <cmath>

#include "harness/peak/machine_peak_json.h"

namespace edgebench::report {

double PeakGflopsFor(const harness::peak::MachinePeak& peak, int threads) {
  if (threads <= 1 || peak.threads_all <= 1) return peak.fma_gflops_1t;
  if (threads >= peak.threads_all) return peak.fma_gflops_all;
  return std::min(peak.fma_gflops_1t * threads, peak.fma_gflops_all);
}

RooflinePoint RooflineOf(int64_t macs, int64_t bytes, double p50_seconds, int threads,
                         const std::optional<harness::peak::MachinePeak>& peak) {
  RooflinePoint point{.gflops = NAN, .intensity = NAN, .peak_gflops = NAN, .fraction = NAN};
  const double flops = 2.0 * static_cast<double>(macs);
  if (macs > 0 && p50_seconds > 0 && std::isfinite(p50_seconds)) {
    point.gflops = flops / p50_seconds / 1e9;
  }
  if (macs > 0 && bytes > 0) point.intensity = flops / static_cast<double>(bytes);
  if (peak && PeakGflopsFor(*peak, threads) > 0) {
    point.peak_gflops = PeakGflopsFor(*peak, threads);
    point.fraction = point.gflops / point.peak_gflops;
  }
  return point;
}

std::optional<harness::peak::MachinePeak> MachinePeakOfRun(const std::string& environment_json) {
  const nlohmann::json environment = nlohmann::json::parse(environment_json, nullptr, false);
  if (!environment.is_object() || !environment.contains("machine_peak")) return std::nullopt;
  try {
    return harness::peak::MachinePeakFromJson(environment.at("machine_peak"));
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged record costs the %peak column, not the report
  }
}

std::vector<Column> RooflineColumns() {
  return {
      {"gflops", "GFLOP/s", true}, {"peak_pct", "%peak", true}, {"flop_per_byte", "FLOP/B", true}};
}

std::vector<Cell> RooflineCells(const RooflinePoint& point) {
  const auto number_or_dash = [](double value, int decimals) {
    return std::isfinite(value) ? NumberCell(value, decimals) : TextCell("-");
  };
  Cell share = TextCell("-");
  if (std::isfinite(point.fraction)) {
    share = point.fraction > 1 ? TextCell("above peak") : NumberCell(point.fraction * 100, 1);
  }
  return {number_or_dash(point.gflops, 1), share, number_or_dash(point.intensity, 1)};
}

}  // namespace edgebench::report
