#pragma once

// What every backend's reduced-precision tests share: a small calibrated model (padded
// convolutions on an input with negative values, so the u8 zero point and the padding
// meet; a BatchNorm a backend may fold; a fully connected head), its fp32 reference
// outputs from the reference engine, and the checks on a backend's run and kernel report.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/reference/reference_backend.h"
#include "harness/verification.h"
#include "passes/int8_calibration.h"
#include "zoo/graph_builder.h"
#include "zoo/seeded_weights.h"

namespace edgebench::backends::testing {

inline std::vector<HostTensor> SeededInputsOf(const ir::Graph& graph, uint64_t seed) {
  std::vector<HostTensor> inputs;
  for (ir::ValueId id : graph.inputs()) {
    inputs.emplace_back(graph.value(id).shape, zoo::SeededInput(graph.value(id).shape, seed));
  }
  return inputs;
}

/// The inputs SmallQuantizableModel is calibrated over.
inline std::vector<std::vector<HostTensor>> CalibrationSets(const ir::Graph& graph) {
  std::vector<std::vector<HostTensor>> sets;
  for (uint64_t seed = 11; seed < 15; ++seed) sets.push_back(SeededInputsOf(graph, seed));
  return sets;
}

/// The model with materialized weights; calibrated for int8 over four seeded inputs when
/// `calibrate`.
inline ir::Graph SmallQuantizableModel(bool calibrate) {
  zoo::GraphBuilder b("small-int8", {1, 3, 16, 16});
  ir::ValueId y = b.Relu("relu1", b.Conv2d("conv1", b.input(), 8, 3, 1, 1));
  y = b.Relu("relu2", b.BatchNorm("bn2", b.Conv2d("conv2", y, 16, 3, 2, 1, false)));
  y = b.Relu("relu3", b.Conv2d("conv3", y, 16, 1));
  y = b.FullyConnected("fc", b.Flatten("flatten", b.GlobalAvgPool("gap", y)), 10);
  ir::Graph graph = b.Finish({y});
  zoo::MaterializeWeights(graph);
  if (calibrate) {
    passes::CalibrateInt8(graph, CalibrationSets(graph));
  }
  return graph;
}

/// What a backend's run of `graph` at `options` gave.
struct PrecisionRun {
  Status prepared;
  double rel_l2 = -1;  // against the fp32 reference engine on a seeded input
  std::vector<KernelUse> kernels;
  Status kernels_status;
};

inline PrecisionRun RunAtPrecision(Backend& backend, const ir::Graph& graph,
                                   BackendOptions options) {
  PrecisionRun run;
  std::unique_ptr<Session> session;
  if (options.precision == "int8") options.calibration_inputs = CalibrationSets(graph);
  run.prepared = backend.Prepare(graph, options, session);
  if (!run.prepared.ok) return run;
  const std::vector<HostTensor> inputs = SeededInputsOf(graph, 7);
  std::vector<HostTensor> outputs;
  Status status = session->SetInputs(inputs);
  if (status.ok) status = session->Run();
  if (status.ok) status = session->GetOutputs(outputs);
  EXPECT_TRUE(status.ok) << status.message;
  std::vector<HostTensor> expected;
  EXPECT_TRUE(reference::RunReference(graph, inputs, expected).ok);
  std::string error;
  run.rel_l2 = harness::CompareOutputs(expected, outputs, 1.0, error).rel_l2_error;
  EXPECT_TRUE(error.empty()) << error;
  run.kernels_status = session->Kernels(run.kernels);
  return run;
}

/// Every convolution and fully connected layer ran at `precision`, by the backend's own
/// report; `expected_layers` of them were reported.
inline void ExpectKernelsAt(const PrecisionRun& run, const std::string& precision,
                            size_t expected_layers) {
  ASSERT_TRUE(run.kernels_status.ok) << run.kernels_status.message;
  EXPECT_EQ(run.kernels.size(), expected_layers);
  for (const KernelUse& kernel : run.kernels) {
    EXPECT_EQ(kernel.precision, precision) << kernel.op << ": " << kernel.kernel;
    EXPECT_FALSE(kernel.kernel.empty()) << kernel.op;
  }
}

}  // namespace edgebench::backends::testing
