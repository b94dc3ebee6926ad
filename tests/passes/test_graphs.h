#pragma once

// Small hand-built graphs for the pass tests, with weights filled in by the test.

#include <cstdint>
#include <string>
#include <vector>

#include "backends/host_tensor.h"
#include "backends/reference/reference_backend.h"
#include "ir/graph.h"
#include "ir/shape_inference.h"

namespace edgebench::passes::testing {

// Deterministic values in [-1, 1) that depend on `salt` and the index only.
inline std::vector<float> Pattern(int64_t count, uint32_t salt) {
  std::vector<float> values(static_cast<size_t>(count));
  uint32_t state = 2463534242u ^ (salt * 2654435761u);
  for (float& v : values) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    v = static_cast<float>(state % 20000u) / 10000.0f - 1.0f;
  }
  return values;
}

// A constant with explicit data.
inline ir::ValueId Constant(ir::Graph& graph, const std::string& name, ir::Shape shape,
                            std::vector<float> data,
                            ir::WeightRole role = ir::WeightRole::kWeight) {
  const ir::ValueId id = graph.AddConstant(name, std::move(shape), role, {});
  graph.mutable_value(id).data = std::move(data);
  return id;
}

inline ir::ConvAttrs Conv2dAttrs(int64_t pad) {
  return {.strides = {1, 1}, .pads_begin = {pad, pad}, .pads_end = {pad, pad}, .dilations = {1, 1}};
}

// Runs the reference engine on one input tensor; fails the test on an error.
inline std::vector<backends::HostTensor> RunOnReference(const ir::Graph& graph,
                                                        const backends::HostTensor& input) {
  std::vector<backends::HostTensor> outputs;
  const backends::Status status = backends::reference::RunReference(graph, {input}, outputs);
  if (!status.ok) throw std::runtime_error(status.message);
  return outputs;
}

}  // namespace edgebench::passes::testing
