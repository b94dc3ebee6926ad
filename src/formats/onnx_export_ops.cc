// The IR ops written as one ONNX node each (opset 13).

#include <fmt/format.h>

#include "formats/onnx.h"
#include "formats/onnx_export_writer.h"

namespace edgebench::formats::onnx_detail {
namespace {

// ONNX lists all begin pads, then all end pads.
std::vector<int64_t> Pads(const std::vector<int64_t>& begin, const std::vector<int64_t>& end) {
  std::vector<int64_t> pads = begin;
  pads.insert(pads.end(), end.begin(), end.end());
  return pads;
}

const char* CoordinatesName(ir::ResizeCoordinates coordinates) {
  switch (coordinates) {
    case ir::ResizeCoordinates::kHalfPixel:
      return "half_pixel";
    case ir::ResizeCoordinates::kPytorchHalfPixel:
      return "pytorch_half_pixel";
    case ir::ResizeCoordinates::kAlignCorners:
      return "align_corners";
    case ir::ResizeCoordinates::kAsymmetric:
      return "asymmetric";
  }
  return "half_pixel";
}

const char* NearestName(ir::ResizeNearest nearest) {
  switch (nearest) {
    case ir::ResizeNearest::kRoundPreferFloor:
      return "round_prefer_floor";
    case ir::ResizeNearest::kRoundPreferCeil:
      return "round_prefer_ceil";
    case ir::ResizeNearest::kFloor:
      return "floor";
    case ir::ResizeNearest::kCeil:
      return "ceil";
  }
  return "round_prefer_floor";
}

const char* PadModeName(ir::PadMode mode) {
  switch (mode) {
    case ir::PadMode::kConstant:
      return "constant";
    case ir::PadMode::kReflect:
      return "reflect";
    case ir::PadMode::kEdge:
      return "edge";
  }
  return "constant";
}

// Resize by sizes when the scales are exactly sizes / input (so the importer reads
// the same scales back), else by the scales the coordinate mapping uses.
void WriteResize(OnnxWriter& writer, const ir::Node& node, onnx::NodeProto& out) {
  const ir::Graph& graph = writer.graph();
  const auto& a = std::get<ir::ResizeAttrs>(node.attrs);
  const ir::Shape& in = graph.value(node.inputs[0]).shape;
  bool by_sizes = a.sizes.size() == in.size() && a.scales.size() == in.size();
  for (size_t d = 0; by_sizes && d < in.size(); ++d) {
    by_sizes = a.scales[d] ==
               static_cast<float>(static_cast<double>(a.sizes[d]) / static_cast<double>(in[d]));
  }
  out.set_op_type("Resize");
  out.add_input("");  // roi, unused
  if (by_sizes) {
    out.add_input("");
    out.add_input(writer.Int64Vector(node.name + "_sizes", a.sizes));
  } else {
    out.add_input(writer.FloatInitializer(node.name + "_scales",
                                          {static_cast<int64_t>(a.scales.size())}, a.scales));
  }
  OnnxWriter::SetString(out, "mode", a.mode == ir::ResizeMode::kNearest ? "nearest" : "linear");
  OnnxWriter::SetString(out, "coordinate_transformation_mode", CoordinatesName(a.coordinates));
  if (a.mode == ir::ResizeMode::kNearest) {
    OnnxWriter::SetString(out, "nearest_mode", NearestName(a.nearest));
  }
}

}  // namespace

void WriteSingleNodeOp(OnnxWriter& writer, const ir::Node& node, onnx::NodeProto& out) {
  const ir::Graph& graph = writer.graph();
  switch (node.op) {
    case ir::OpKind::kSilu:
    case ir::OpKind::kHardSwish:
    case ir::OpKind::kGelu:
    case ir::OpKind::kLayerNorm:
      throw FormatError("composite op reached the one-node writer");  // handled in AddNode
    case ir::OpKind::kConv: {
      const auto& a = std::get<ir::ConvAttrs>(node.attrs);
      const ir::Shape& w = graph.value(node.inputs[1]).shape;
      out.set_op_type("Conv");
      OnnxWriter::SetInts(out, "kernel_shape", {w.begin() + 2, w.end()});
      OnnxWriter::SetInts(out, "strides", a.strides);
      OnnxWriter::SetInts(out, "pads", Pads(a.pads_begin, a.pads_end));
      OnnxWriter::SetInts(out, "dilations", a.dilations);
      OnnxWriter::SetInt(out, "group", a.groups);
      break;
    }
    case ir::OpKind::kConvTranspose: {
      const auto& a = std::get<ir::ConvTransposeAttrs>(node.attrs);
      const ir::Shape& w = graph.value(node.inputs[1]).shape;
      out.set_op_type("ConvTranspose");
      OnnxWriter::SetInts(out, "kernel_shape", {w.begin() + 2, w.end()});
      OnnxWriter::SetInts(out, "strides", a.strides);
      OnnxWriter::SetInts(out, "pads", Pads(a.pads_begin, a.pads_end));
      OnnxWriter::SetInts(out, "dilations", a.dilations);
      OnnxWriter::SetInts(out, "output_padding", a.output_padding);
      OnnxWriter::SetInt(out, "group", a.groups);
      break;
    }
    case ir::OpKind::kBatchNorm:
      out.set_op_type("BatchNormalization");
      OnnxWriter::SetFloat(out, "epsilon", std::get<ir::BatchNormAttrs>(node.attrs).epsilon);
      break;
    case ir::OpKind::kRelu:
      out.set_op_type("Relu");
      break;
    case ir::OpKind::kRelu6:
      out.set_op_type("Clip");
      out.add_input(writer.FloatScalar(0.0f));
      out.add_input(writer.FloatScalar(6.0f));
      break;
    case ir::OpKind::kClip: {
      // Infinite bounds are written as such: ONNX's "no bound" and the IR's agree.
      const auto& a = std::get<ir::ClipAttrs>(node.attrs);
      out.set_op_type("Clip");
      out.add_input(writer.FloatScalar(a.min));
      out.add_input(writer.FloatScalar(a.max));
      break;
    }
    case ir::OpKind::kLeakyRelu:
      out.set_op_type("LeakyRelu");
      OnnxWriter::SetFloat(out, "alpha", std::get<ir::LeakyReluAttrs>(node.attrs).alpha);
      break;
    case ir::OpKind::kSigmoid:
      out.set_op_type("Sigmoid");
      break;
    case ir::OpKind::kHardSigmoid: {
      const auto& a = std::get<ir::HardSigmoidAttrs>(node.attrs);
      out.set_op_type("HardSigmoid");
      OnnxWriter::SetFloat(out, "alpha", a.alpha);
      OnnxWriter::SetFloat(out, "beta", a.beta);
      break;
    }
    case ir::OpKind::kTanh:
      out.set_op_type("Tanh");
      break;
    case ir::OpKind::kExp:
      out.set_op_type("Exp");
      break;
    case ir::OpKind::kLog:
      out.set_op_type("Log");
      break;
    case ir::OpKind::kSqrt:
      out.set_op_type("Sqrt");
      break;
    case ir::OpKind::kAbs:
      out.set_op_type("Abs");
      break;
    case ir::OpKind::kNeg:
      out.set_op_type("Neg");
      break;
    case ir::OpKind::kErf:
      out.set_op_type("Erf");
      break;
    case ir::OpKind::kSoftmax:
      out.set_op_type("Softmax");  // opset 13: one axis, as the IR
      OnnxWriter::SetInt(out, "axis", std::get<ir::SoftmaxAttrs>(node.attrs).axis);
      break;
    case ir::OpKind::kMaxPool:
    case ir::OpKind::kAvgPool: {
      const auto& a = std::get<ir::PoolAttrs>(node.attrs);
      const bool max = node.op == ir::OpKind::kMaxPool;
      out.set_op_type(max ? "MaxPool" : "AveragePool");
      OnnxWriter::SetInts(out, "kernel_shape", a.kernel);
      OnnxWriter::SetInts(out, "strides", a.strides);
      OnnxWriter::SetInts(out, "pads", Pads(a.pads_begin, a.pads_end));
      OnnxWriter::SetInt(out, "ceil_mode", a.ceil_mode ? 1 : 0);
      if (!max) OnnxWriter::SetInt(out, "count_include_pad", a.count_include_pad ? 1 : 0);
      break;
    }
    case ir::OpKind::kGlobalAvgPool:
      out.set_op_type("GlobalAveragePool");
      break;
    case ir::OpKind::kFullyConnected:
      out.set_op_type("Gemm");  // the IR weight is [outputs, features]
      OnnxWriter::SetInt(out, "transB", 1);
      break;
    case ir::OpKind::kMatMul:
      out.set_op_type("MatMul");
      break;
    case ir::OpKind::kAdd:
      out.set_op_type("Add");
      break;
    case ir::OpKind::kSub:
      out.set_op_type("Sub");
      break;
    case ir::OpKind::kMul:
      out.set_op_type("Mul");
      break;
    case ir::OpKind::kDiv:
      out.set_op_type("Div");
      break;
    case ir::OpKind::kPow:
      out.set_op_type("Pow");
      break;
    case ir::OpKind::kMaximum:
      out.set_op_type("Max");
      break;
    case ir::OpKind::kMinimum:
      out.set_op_type("Min");
      break;
    case ir::OpKind::kReduceMean:
    case ir::OpKind::kReduceSum:
    case ir::OpKind::kReduceMax: {
      const auto& a = std::get<ir::ReduceAttrs>(node.attrs);
      const bool sum = node.op == ir::OpKind::kReduceSum;
      out.set_op_type(sum                                  ? "ReduceSum"
                      : node.op == ir::OpKind::kReduceMean ? "ReduceMean"
                                                           : "ReduceMax");
      // Opset 13: ReduceSum takes its axes as an input, the others as an attribute;
      // absent axes reduce every dim in both.
      if (!a.axes.empty()) {
        if (sum) {
          out.add_input(writer.Int64Vector(node.name + "_axes", a.axes));
        } else {
          OnnxWriter::SetInts(out, "axes", a.axes);
        }
      }
      OnnxWriter::SetInt(out, "keepdims", a.keepdims ? 1 : 0);
      break;
    }
    case ir::OpKind::kConcat:
      out.set_op_type("Concat");
      OnnxWriter::SetInt(out, "axis", std::get<ir::ConcatAttrs>(node.attrs).axis);
      break;
    case ir::OpKind::kFlatten:
      out.set_op_type("Flatten");
      OnnxWriter::SetInt(out, "axis", std::get<ir::FlattenAttrs>(node.attrs).axis);
      break;
    case ir::OpKind::kReshape:
      out.set_op_type("Reshape");
      out.add_input(
          writer.Int64Vector(node.name + "_shape", std::get<ir::ReshapeAttrs>(node.attrs).shape));
      break;
    case ir::OpKind::kTranspose: {
      const auto& a = std::get<ir::TransposeAttrs>(node.attrs);
      out.set_op_type("Transpose");
      if (!a.perm.empty()) OnnxWriter::SetInts(out, "perm", a.perm);
      break;
    }
    case ir::OpKind::kSlice: {
      const auto& a = std::get<ir::SliceAttrs>(node.attrs);
      out.set_op_type("Slice");
      out.add_input(writer.Int64Vector(node.name + "_starts", a.starts));
      out.add_input(writer.Int64Vector(node.name + "_ends", a.ends));
      // Optional inputs as the IR has them: empty means ONNX's default.
      if (!a.axes.empty() || !a.steps.empty()) {
        out.add_input(a.axes.empty() ? "" : writer.Int64Vector(node.name + "_axes", a.axes));
      }
      if (!a.steps.empty()) out.add_input(writer.Int64Vector(node.name + "_steps", a.steps));
      break;
    }
    case ir::OpKind::kSqueeze:
    case ir::OpKind::kUnsqueeze: {
      const auto& a = std::get<ir::AxesAttrs>(node.attrs);
      out.set_op_type(node.op == ir::OpKind::kSqueeze ? "Squeeze" : "Unsqueeze");
      if (!a.axes.empty()) out.add_input(writer.Int64Vector(node.name + "_axes", a.axes));
      break;
    }
    case ir::OpKind::kPad: {
      const auto& a = std::get<ir::PadAttrs>(node.attrs);
      out.set_op_type("Pad");
      out.add_input(writer.Int64Vector(node.name + "_pads", Pads(a.pads_begin, a.pads_end)));
      if (a.mode == ir::PadMode::kConstant) out.add_input(writer.FloatScalar(a.value));
      OnnxWriter::SetString(out, "mode", PadModeName(a.mode));
      break;
    }
    case ir::OpKind::kGather: {
      const auto& a = std::get<ir::GatherAttrs>(node.attrs);
      out.set_op_type("Gather");
      out.add_input(writer.Int64Initializer(node.name + "_indices", a.indices_shape, a.indices));
      OnnxWriter::SetInt(out, "axis", a.axis);
      break;
    }
    case ir::OpKind::kUpsampleNearest: {
      // Asymmetric coordinates with floor rounding read input floor(out / scale): plain
      // pixel replication, the form OpenCV 4.6 and ONNX Runtime both read.
      const auto& a = std::get<ir::UpsampleAttrs>(node.attrs);
      std::vector<float> scales{1.0f, 1.0f};
      for (int64_t s : a.scales) scales.push_back(static_cast<float>(s));
      out.set_op_type("Resize");
      out.add_input("");  // roi, unused
      out.add_input(writer.FloatInitializer(node.name + "_scales",
                                            {static_cast<int64_t>(scales.size())}, scales));
      OnnxWriter::SetString(out, "mode", "nearest");
      OnnxWriter::SetString(out, "coordinate_transformation_mode", "asymmetric");
      OnnxWriter::SetString(out, "nearest_mode", "floor");
      break;
    }
    case ir::OpKind::kResize:
      WriteResize(writer, node, out);
      break;
    case ir::OpKind::kLrn: {
      const auto& a = std::get<ir::LrnAttrs>(node.attrs);
      out.set_op_type("LRN");
      OnnxWriter::SetInt(out, "size", a.size);
      OnnxWriter::SetFloat(out, "alpha", a.alpha);
      OnnxWriter::SetFloat(out, "beta", a.beta);
      OnnxWriter::SetFloat(out, "bias", a.bias);
      break;
    }
  }
}

}  // namespace edgebench::formats::onnx_detail
