#include "backends/darknet/darknet_backend.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <utility>

#include "backends/darknet/darknet_session.h"
#include "backends/registry.h"
#include "formats/darknet_export.h"

namespace edgebench::backends::darknet {

std::string DarknetBackend::Version() const {
  return "Darknet " EDGEBENCH_DARKNET_VERSION " (CPU, single-threaded)";
}

Support DarknetBackend::Supports(const ir::Graph& graph, const ir::Node& node) const noexcept {
  try {
    std::string reason = formats::DarknetUnsupportedReason(graph, node);
    if (reason.empty()) return {};
    return {false, std::move(reason)};
  } catch (const std::exception& error) {
    return {false, fmt::format("cannot inspect node: {}", error.what())};
  }
}

Status DarknetBackend::Prepare(const ir::Graph& graph, const BackendOptions& options,
                               std::unique_ptr<Session>& session) noexcept {
  if (options.precision != "fp32") {
    return Status::Error(fmt::format(
        "{} unsupported on this backend: darknet (2018) runs fp32 only", options.precision));
  }
  if (options.threads != 1) {
    // Darknet's CPU path has no threading: running it as if it had would mislabel the
    // measurement.
    return Status::Error(
        fmt::format("Darknet runs on one thread only; asked for {} threads (use --threads 1)",
                    options.threads));
  }
  if (!options.toggles.empty()) {
    return Status::Error(fmt::format("darknet backend has no toggle '{}'", options.toggles[0]));
  }
  try {
    const formats::DarknetModel model = formats::ExportDarknet(graph);
    NetworkHandle net = LoadNetwork(model, graph);
    std::vector<ir::Shape> output_shapes;
    for (ir::ValueId output : graph.outputs()) output_shapes.push_back(graph.value(output).shape);
    auto darknet_session =
        std::make_unique<DarknetSession>(std::move(net), graph.value(graph.inputs().at(0)).shape,
                                         model.output_layers, std::move(output_shapes));
    darknet_session->SetLayerOrigins(LayerOrigins(model.cfg));
    session = std::move(darknet_session);
  } catch (const std::exception& failure) {
    return Status::Error(
        fmt::format("darknet prepare of '{}' failed: {}", graph.name(), failure.what()));
  }
  return Status::Ok();
}

}  // namespace edgebench::backends::darknet

EDGEBENCH_DEFINE_PLUGIN("darknet",
                        [](std::string&) -> std::unique_ptr<edgebench::backends::Backend> {
                          return std::make_unique<edgebench::backends::darknet::DarknetBackend>();
                        })
