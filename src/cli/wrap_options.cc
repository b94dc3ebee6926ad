#include "cli/wrap_options.h"

#include <fmt/format.h>

#include "harness/worker_wrapper.h"

namespace edgebench::cli {

void AddWrapOptions(CLI::App* sub, WrapCliOptions& options, bool compare) {
  sub->add_option("--wrap", options.wrap,
                  "Start every worker through this launcher command, e.g. 'podman run --rm "
                  "--preserve-fds=1 -v /work:/work IMAGE', 'qemu-aarch64-static' (the worker's "
                  "command line is appended; its result travels on descriptor 3). Recorded "
                  "with each job: wrapped and bare results never pool");
  sub->add_option("--container", options.container,
                  "Run every worker in a built-in container: bwrap (Debian's bubblewrap: new "
                  "user, PID, IPC, UTS and network namespaces, read-only system, private /tmp, "
                  "only the paths the worker needs)")
      ->check(CLI::IsMember({"bwrap"}));
  if (compare) {
    sub->add_flag("--compare-wrap", options.compare,
                  "Measure every job both bare and through --wrap/--container, each pair back "
                  "to back in every round; the results show the launcher's overhead with its "
                  "confidence interval");
  }
}

std::optional<std::string> WrapperOf(const WrapCliOptions& options, std::string& error) {
  if (!options.wrap.empty() && !options.container.empty()) {
    error = "--wrap and --container exclude each other";
    return std::nullopt;
  }
  const std::string wrapper =
      options.container.empty() ? options.wrap : "container:" + options.container;
  if (options.compare && wrapper.empty()) {
    error = "--compare-wrap needs --wrap or --container (what to compare bare workers with)";
    return std::nullopt;
  }
  if (const std::string problem = harness::CheckWrapper(wrapper); !problem.empty()) {
    error = fmt::format("bad --wrap '{}': {}", wrapper, problem);
    return std::nullopt;
  }
  return wrapper;
}

}  // namespace edgebench::cli
