#include "backends/onednn/support.h"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "backends/onednn/eltwise_map.h"
#include "ir/op_semantics.h"

namespace edgebench::backends::onednn {
namespace {

constexpr size_t kMaxRank = 12;  // DNNL_MAX_NDIMS
// Gather, backward slices and edge/reflect pads copy one slab per index; beyond this a model is
// better reported unsupported than run as a chain of tiny reorders.
constexpr int64_t kMaxCopies = 64;

Support No(const ir::Node& node, const std::string& why) {
  return {false, fmt::format("{}: {}", ir::OpName(node.op), why)};
}

bool IsConstant(const ir::Graph& graph, ir::ValueId id) {
  return graph.value(id).kind == ir::ValueKind::kConstant;
}

size_t SpatialRank(const ir::Graph& graph, const ir::Node& node) {
  const size_t rank = graph.value(node.inputs.front()).shape.size();
  return rank >= 2 ? rank - 2 : 0;
}

Support WeightedSupport(const ir::Graph& graph, const ir::Node& node) {
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    if (!IsConstant(graph, node.inputs[i])) {
      return No(node, "weights and bias must be constants (they are packed at Prepare)");
    }
  }
  const size_t spatial = SpatialRank(graph, node);
  if (node.op != ir::OpKind::kFullyConnected && (spatial < 1 || spatial > 3)) {
    return No(node, fmt::format("oneDNN convolves 1 to 3 spatial dims, not {}", spatial));
  }
  if (node.op == ir::OpKind::kFullyConnected && graph.value(node.inputs[0]).shape.size() != 2) {
    return No(node, "inner product takes a 2-D input here");
  }
  return {};
}

Support PoolSupport(const ir::Graph& graph, const ir::Node& node) {
  const size_t spatial = SpatialRank(graph, node);
  if (spatial < 1 || spatial > 3) {
    return No(node, fmt::format("oneDNN pools 1 to 3 spatial dims, not {}", spatial));
  }
  return {};
}

// oneDNN resampling maps output o to input (o + 0.5) * in / out - 0.5 (sizes, not the
// model's scales), rounding half away from zero for nearest. Supported exactly when that
// mapping gives the IR's indices (nearest) or coordinates (linear) on every dim.
Support ResizeSupport(const ir::Graph& graph, const ir::Node& node) {
  const ir::Shape& x = graph.value(node.inputs[0]).shape;
  const ir::Shape& y = graph.value(node.outputs[0]).shape;
  if (x.size() < 3 || x.size() > 5) return No(node, "oneDNN resamples 1 to 3 spatial dims");
  if (x[0] != y[0] || x[1] != y[1]) return No(node, "oneDNN resamples spatial dims only");
  ir::ResizeAttrs attrs;
  if (node.op == ir::OpKind::kResize) attrs = std::get<ir::ResizeAttrs>(node.attrs);
  const bool linear = attrs.mode == ir::ResizeMode::kLinear;
  for (size_t d = 2; d < x.size(); ++d) {
    const int64_t in = x[d];
    const int64_t out = y[d];
    for (int64_t o = 0; o < out; ++o) {
      const double mapped =
          (static_cast<double>(o) + 0.5) * static_cast<double>(in) / static_cast<double>(out) - 0.5;
      if (node.op == ir::OpKind::kUpsampleNearest) {
        const int64_t scale = std::get<ir::UpsampleAttrs>(node.attrs).scales[d - 2];
        if (std::llround(mapped) != o / scale ||
            std::abs(mapped - std::floor(mapped) - 0.5) < 1e-3) {
          return No(node, "oneDNN's nearest index differs from the IR's at this scale");
        }
        continue;
      }
      const double coordinate = ir::ResizeSourceCoordinate(attrs, d, o, in, out);
      if (linear) {
        const double a = std::clamp(mapped, 0.0, static_cast<double>(in - 1));
        const double b = std::clamp(coordinate, 0.0, static_cast<double>(in - 1));
        if (std::abs(a - b) > 1e-6 * static_cast<double>(in)) {
          return No(node,
                    "linear resize with a coordinate mode oneDNN does not use (oneDNN: "
                    "half_pixel with scale out/in)");
        }
        continue;
      }
      const int64_t expected = ir::ResizeNearestIndex(attrs, coordinate, in);
      const int64_t onednn = std::clamp<int64_t>(std::llround(mapped), 0, in - 1);
      const bool tie = std::abs(mapped - std::floor(mapped) - 0.5) < 1e-3;
      if (expected != onednn || tie) {
        return No(node,
                  "nearest resize whose coordinate mode or rounding differs from oneDNN's "
                  "(half_pixel, round half away from zero, scale out/in)");
      }
    }
  }
  return {};
}

Support OpSupport(const ir::Graph& graph, const ir::Node& node) {
  std::string why;
  switch (node.op) {
    case ir::OpKind::kConv:
    case ir::OpKind::kConvTranspose:
    case ir::OpKind::kFullyConnected:
      return WeightedSupport(graph, node);
    case ir::OpKind::kMaxPool:
    case ir::OpKind::kAvgPool:
      return PoolSupport(graph, node);
    case ir::OpKind::kGlobalAvgPool: {
      const size_t spatial = SpatialRank(graph, node);
      if (spatial < 1 || spatial > 3) return No(node, "oneDNN pools 1 to 3 spatial dims");
      return {};
    }
    case ir::OpKind::kRelu:
    case ir::OpKind::kRelu6:
    case ir::OpKind::kLeakyRelu:
    case ir::OpKind::kSigmoid:
    case ir::OpKind::kHardSigmoid:
    case ir::OpKind::kHardSwish:
    case ir::OpKind::kSilu:
    case ir::OpKind::kTanh:
    case ir::OpKind::kExp:
    case ir::OpKind::kLog:
    case ir::OpKind::kSqrt:
    case ir::OpKind::kAbs:
    case ir::OpKind::kNeg:
    case ir::OpKind::kErf:
    case ir::OpKind::kGelu:
    case ir::OpKind::kClip:
    case ir::OpKind::kPow:
      if (!EltwiseChainFor(graph, node, why)) return {false, why};
      return {};
    case ir::OpKind::kLrn: {
      const int64_t size = std::get<ir::LrnAttrs>(node.attrs).size;
      if (size % 2 == 0) {
        return No(node, "even window size: oneDNN's window is symmetric, ONNX's is not");
      }
      const size_t rank = graph.value(node.inputs[0]).shape.size();
      if (rank < 3 || rank > 5) return No(node, "oneDNN's LRN takes 3-D to 5-D data");
      return {};
    }
    case ir::OpKind::kBatchNorm:
      if (graph.value(node.inputs[0]).shape.size() < 2) return No(node, "needs a channel dim");
      return {};
    case ir::OpKind::kSlice: {
      // Dims walked backwards take one copy per index (oneDNN strides are non-negative).
      int64_t copies = 1;
      for (const ir::SliceDim& dim : ir::ResolveSlice(std::get<ir::SliceAttrs>(node.attrs),
                                                      graph.value(node.inputs[0]).shape)) {
        if (dim.step < 0) copies *= dim.count;
      }
      if (copies > kMaxCopies) {
        return No(node, fmt::format("negative steps needing {} copies (more than {}): oneDNN "
                                    "memory strides are non-negative",
                                    copies, kMaxCopies));
      }
      return {};
    }
    case ir::OpKind::kPad: {
      // Edge and reflect borders are copied one slab per padded index.
      const auto& attrs = std::get<ir::PadAttrs>(node.attrs);
      int64_t copies = 0;
      for (size_t d = 0; d < attrs.pads_begin.size(); ++d) {
        copies += attrs.pads_begin[d] + attrs.pads_end[d];
      }
      if (attrs.mode != ir::PadMode::kConstant && copies > kMaxCopies) {
        return No(node, fmt::format("edge/reflect border of {} slabs (more than {}), one copy each",
                                    copies, kMaxCopies));
      }
      return {};
    }
    case ir::OpKind::kGather:
      if (static_cast<int64_t>(std::get<ir::GatherAttrs>(node.attrs).indices.size()) > kMaxCopies) {
        return No(node, fmt::format("more than {} indices (one copy per index)", kMaxCopies));
      }
      return {};
    case ir::OpKind::kUpsampleNearest:
    case ir::OpKind::kResize:
      return ResizeSupport(graph, node);
    case ir::OpKind::kSoftmax:
    case ir::OpKind::kAdd:
    case ir::OpKind::kSub:
    case ir::OpKind::kMul:
    case ir::OpKind::kDiv:
    case ir::OpKind::kMaximum:
    case ir::OpKind::kMinimum:
    case ir::OpKind::kConcat:
    case ir::OpKind::kFlatten:
    case ir::OpKind::kReshape:
    case ir::OpKind::kSqueeze:
    case ir::OpKind::kUnsqueeze:
    case ir::OpKind::kTranspose:
    case ir::OpKind::kReduceMean:
    case ir::OpKind::kReduceSum:
    case ir::OpKind::kReduceMax:
    case ir::OpKind::kMatMul:
    case ir::OpKind::kLayerNorm:
      return {};
  }
  return {};
}

}  // namespace

Support NodeSupport(const ir::Graph& graph, const ir::Node& node) {
  for (const auto* ids : {&node.inputs, &node.outputs}) {
    for (ir::ValueId id : *ids) {
      const ir::Value& value = graph.value(id);
      if (value.dtype != ir::DType::kF32) {
        return No(node, fmt::format("'{}' is {}, the backend runs f32 only", value.name,
                                    ir::DTypeName(value.dtype)));
      }
      if (value.shape.size() > kMaxRank) return No(node, "rank above oneDNN's 12");
      if (ir::ElementCount(value.shape) == 0) {
        return No(node,
                  fmt::format("'{}' is empty: oneDNN primitives take no zero dims", value.name));
      }
    }
  }
  return OpSupport(graph, node);
}

}  // namespace edgebench::backends::onednn
