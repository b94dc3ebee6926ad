#include "report/report_container_figure.h"

#include <cmath>
#include <map>
#include <tuple>

#include "harness/job_result.h"
#include "report/figure_helpers.h"
#include "report/vega_specs.h"

namespace edgebench::report {

Figure ContainerFigure(const ReportData& data) {
  Figure f{"container",
           "Bare metal vs container",
           "Overhead of starting every worker through a launcher or container: the wrapped "
           "configuration's median latency over the same configuration's bare median on the "
           "same device, minus one, in percent (whiskers from the two medians' 95% CIs; an "
           "interval holding 0 % is within noise).",
           std::nullopt,
           "",
           {}};
  f.table.columns = {{"device", "device"},
                     {"model", "model"},
                     {"backend", "backend"},
                     {"wrapper", "launcher"},
                     {"bare_ms", "bare p50 ms", true},
                     {"wrapped_ms", "wrapped p50 ms", true},
                     {"overhead", "overhead %", true},
                     {"low", "CI low %", true},
                     {"high", "CI high %", true},
                     {"verdict", "verdict"}};
  // Bare jobs by what a wrapped job is compared with.
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string, int>;
  auto key_of = [](const ReportJob& j) {
    return Key{j.device, j.model, j.backend_id, j.toggles, j.precision, j.threads};
  };
  std::map<Key, const ReportJob*> bare;
  for (const ReportJob& j : data.jobs) {
    if (!j.paper && j.wrapper.empty() && Measured(j)) bare[key_of(j)] = &j;
  }
  std::vector<Bar> bars;
  for (const ReportJob& j : data.jobs) {
    if (j.paper || j.wrapper.empty() || !Measured(j)) continue;
    const auto found = bare.find(key_of(j));
    if (found == bare.end()) continue;
    const ReportJob& b = *found->second;
    const double overhead = (j.p50_ms / b.p50_ms - 1) * 100;
    const bool have_ci = std::isfinite(j.ci_low_ms) && std::isfinite(j.ci_high_ms) &&
                         std::isfinite(b.ci_low_ms) && std::isfinite(b.ci_high_ms) &&
                         b.ci_low_ms > 0 && b.ci_high_ms > 0;
    const double low = have_ci ? (j.ci_low_ms / b.ci_high_ms - 1) * 100 : NAN;
    const double high = have_ci ? (j.ci_high_ms / b.ci_low_ms - 1) * 100 : NAN;
    const std::string label = harness::WrapperLabel(j.wrapper);
    const std::string verdict = !have_ci                ? "no interval"
                                : low <= 0 && high >= 0 ? "within noise"
                                : overhead > 0          ? "slower wrapped"
                                                        : "faster wrapped";
    bars.push_back({j.model, label + (YourDeviceCount(data) > 1 ? " @ " + j.device : ""), overhead,
                    low, high, verdict});
    f.table.rows.push_back({TextCell(j.device), TextCell(j.model), TextCell(b.backend),
                            TextCell(label), NumberCell(b.p50_ms, 3), NumberCell(j.p50_ms, 3),
                            NumberCell(overhead, 2), NumberCell(low, 2), NumberCell(high, 2),
                            TextCell(verdict)});
  }
  if (bars.empty()) {
    f.no_data =
        "no data: no wrapped job with a bare counterpart stored; run `edgebench run "
        "--compare-wrap --container bwrap` (or --wrap 'CMD') on this device";
  } else {
    f.spec = GroupedBarSpec(bars, "overhead over bare metal (%)", "launcher", false);
  }
  return f;
}

}  // namespace edgebench::report
