#pragma once

#include <utility>
#include <vector>

#include "ir/shape.h"

namespace edgebench::backends {

/// A dense f32 tensor in host memory, row-major over `shape` (NCHW / NCDHW for
/// activations). The currency between the harness and every backend's inputs/outputs.
struct HostTensor {
  ir::Shape shape;
  std::vector<float> data;

  HostTensor() = default;
  explicit HostTensor(ir::Shape s)
      : shape(std::move(s)), data(static_cast<size_t>(ir::ElementCount(shape)), 0.0f) {}
  HostTensor(ir::Shape s, std::vector<float> values)
      : shape(std::move(s)), data(std::move(values)) {}
};

}  // namespace edgebench::backends
