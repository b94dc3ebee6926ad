#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/darknet/darknet_api.h"
#include "formats/darknet_export.h"

namespace edgebench::backends::darknet {

struct NetworkDeleter {
  void operator()(network* net) const { free_network(net); }
};
using NetworkHandle = std::unique_ptr<network, NetworkDeleter>;

/// Loads an exported model with Darknet's own cfg parser and weights reader (through
/// files in a private temporary directory, removed once loaded) and checks that what
/// Darknet built is what was written. Throws std::runtime_error naming the problem.
NetworkHandle LoadNetwork(const formats::DarknetModel& model, const ir::Graph& graph);

/// One loaded Darknet network run on CHW input at batch 1.
class DarknetSession final : public Session {
 public:
  DarknetSession(NetworkHandle net, ir::Shape input_shape, std::vector<int> output_layers,
                 std::vector<ir::Shape> output_shapes);

  /// Names the layers for the per-layer profile, from the exported cfg (see LayerOrigins).
  void SetLayerOrigins(std::vector<LayerTime> layers) { layer_origins_ = std::move(layers); }

  Status SetInputs(const std::vector<HostTensor>& inputs) noexcept override;
  Status Run() noexcept override;
  Status GetOutputs(std::vector<HostTensor>& outputs) noexcept override;
  /// With profiling on, Run() steps through the layers as Darknet's forward_network does,
  /// timing each layer's forward call.
  Status EnableProfiling() noexcept override;
  Status LastProfile(std::vector<LayerTime>& layers) noexcept override;

 private:
  NetworkHandle net_;
  ir::Shape input_shape_;
  std::vector<float> input_;
  std::vector<int> output_layers_;
  std::vector<ir::Shape> output_shapes_;
  std::vector<LayerTime> layer_origins_;  // per Darknet layer: its name and IR nodes
  bool profiling_ = false;
  std::vector<double> layer_seconds_;  // of the last profiled Run()
};

/// Per layer of an exported cfg (formats::ExportDarknet writes "# I: ORIGIN" above each
/// section): the section type as kind, "I [type]" as name, and the IR nodes of ORIGIN
/// ("a, b" for a fused layer; none for a layer the export added, such as "copy of 'x'").
std::vector<LayerTime> LayerOrigins(const std::string& cfg);

}  // namespace edgebench::backends::darknet
