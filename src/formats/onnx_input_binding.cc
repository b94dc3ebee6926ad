#include "formats/onnx_input_binding.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "formats/onnx.h"
#include "formats/onnx_tensor.h"

namespace edgebench::formats::onnx_detail {
namespace {

// Names come from the file: long ones are cut so a hostile one cannot flood a message.
constexpr size_t kMaxNameInMessage = 64;
// Nor can a model of very many inputs.
constexpr size_t kMaxInputsInMessage = 16;

std::string Shortened(const std::string& text) {
  return text.size() <= kMaxNameInMessage ? text
                                          : fmt::format("{}...", text.substr(0, kMaxNameInMessage));
}

std::string DimText(const onnx::TensorShapeProto::Dimension& dim) {
  if (dim.has_dim_value()) return std::to_string(dim.dim_value());
  if (dim.has_dim_param() && !dim.dim_param().empty()) return Shortened(dim.dim_param());
  return "?";
}

// What to type to settle the dynamic dims: fixed dims as declared, the others as
// placeholders named after them, e.g. "x:1x3x<height>x<width>".
std::string ExampleOption(const std::string& name, const onnx::TensorShapeProto& shape) {
  std::string dims;
  for (int d = 0; d < shape.dim_size(); ++d) {
    const onnx::TensorShapeProto::Dimension& dim = shape.dim(d);
    const std::string text = dim.has_dim_value() ? std::to_string(dim.dim_value())
                             : d == 0            ? "1"
                                                 : fmt::format("<{}>", DimText(dim));
    if (d > 0) dims += 'x';
    dims += text == "<?>" ? fmt::format("<dim{}>", d) : text;
  }
  return fmt::format("--input-shape '{}:{}'", Shortened(name), dims);
}

}  // namespace

std::string DescribeInput(const onnx::ValueInfoProto& input) {
  const std::string name = Shortened(input.name());
  if (!input.type().has_tensor_type()) return fmt::format("{}: not a tensor", name);
  const onnx::TypeProto::Tensor& type = input.type().tensor_type();
  const std::string element = type.elem_type() == onnx::TensorProto::FLOAT
                                  ? std::string()
                                  : fmt::format(" {}", DataTypeName(type.elem_type()));
  if (!type.has_shape()) return fmt::format("{}:{} (no declared shape)", name, element);
  const int rank = type.shape().dim_size();
  if (rank == 0) return fmt::format("{}:{} scalar", name, element);
  if (static_cast<size_t>(rank) > kMaxTensorRank) {
    return fmt::format("{}:{} ({} dims)", name, element, rank);
  }
  std::string dims;
  for (int d = 0; d < rank; ++d) {
    if (d > 0) dims += " x ";
    dims += DimText(type.shape().dim(d));
  }
  return fmt::format("{}:{} {}", name, element, dims);
}

std::string DescribeInputs(const std::vector<const onnx::ValueInfoProto*>& inputs) {
  if (inputs.empty()) return "none";
  std::string text;
  for (size_t i = 0; i < inputs.size() && i < kMaxInputsInMessage; ++i) {
    if (i > 0) text += "; ";
    text += DescribeInput(*inputs[i]);
  }
  if (inputs.size() > kMaxInputsInMessage) {
    text += fmt::format("; ... ({} in all)", inputs.size());
  }
  return text;
}

std::unordered_map<std::string, ir::Shape> ResolveGivenShapes(
    const std::vector<const onnx::ValueInfoProto*>& run_time_inputs,
    const std::map<std::string, ir::Shape>& given) {
  std::unordered_map<std::string, ir::Shape> resolved;
  for (const auto& entry : given) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    const std::string& name = entry.first;
    const ir::Shape& shape = entry.second;
    std::string target = name;
    if (name.empty()) {
      if (run_time_inputs.size() != 1) {
        throw InputShapeError(fmt::format(
            "an input shape without an input name needs a model with one input; this one has "
            "{} ({}): name each, e.g. --input-shape NAME:1x3x224x224,NAME2:...",
            run_time_inputs.size(), DescribeInputs(run_time_inputs)));
      }
      target = run_time_inputs.front()->name();
    } else if (std::none_of(
                   run_time_inputs.begin(), run_time_inputs.end(),
                   [&](const onnx::ValueInfoProto* input) { return input->name() == name; })) {
      throw InputShapeError(fmt::format(
          "an input shape is given for '{}', which is not an input of the model; its inputs: {}",
          Shortened(name), DescribeInputs(run_time_inputs)));
    }
    if (std::any_of(shape.begin(), shape.end(), [](int64_t dim) { return dim <= 0; })) {
      throw InputShapeError(fmt::format("the shape given for input '{}' ({}) has a dim below 1",
                                        Shortened(target), ir::ShapeToString(shape)));
    }
    if (!resolved.emplace(target, shape).second) {
      throw InputShapeError(fmt::format("two shapes are given for input '{}'", Shortened(target)));
    }
  }
  return resolved;
}

ir::Shape BindInputShape(const onnx::ValueInfoProto& input, const ir::Shape* given) {
  const std::string& name = input.name();
  const onnx::TypeProto::Tensor& type = input.type().tensor_type();
  if (!type.has_shape()) {
    if (given != nullptr) return *given;
    throw InputShapeError(fmt::format(
        "graph input '{}' declares no shape; give it with --input-shape '{}:DIMS' (e.g. "
        "{}:1x3x224x224)",
        Shortened(name), Shortened(name), Shortened(name)));
  }
  const onnx::TensorShapeProto& declared = type.shape();
  if (static_cast<size_t>(declared.dim_size()) > kMaxTensorRank) {
    throw FormatError(fmt::format("graph input '{}' has {} dims, over the limit of {}",
                                  Shortened(name), declared.dim_size(), kMaxTensorRank));
  }
  if (given != nullptr && given->size() != static_cast<size_t>(declared.dim_size())) {
    throw InputShapeError(
        fmt::format("the shape given for input '{}' ({}) has {} dims; the model declares {}: {}",
                    Shortened(name), ir::ShapeToString(*given), given->size(), declared.dim_size(),
                    DescribeInput(input)));
  }
  ir::Shape shape;
  std::vector<std::string> unsettled;
  for (int d = 0; d < declared.dim_size(); ++d) {
    const onnx::TensorShapeProto::Dimension& dim = declared.dim(d);
    const auto index = static_cast<size_t>(d);
    if (dim.has_dim_value()) {
      if (dim.dim_value() < 0) {
        throw FormatError(
            fmt::format("graph input '{}' has dim {}", Shortened(name), dim.dim_value()));
      }
      if (dim.dim_value() == 0) {
        throw UnsupportedModelError(
            fmt::format("graph input '{}' is empty (a 0 dim)", Shortened(name)));
      }
      if (given != nullptr && (*given)[index] != dim.dim_value()) {
        throw InputShapeError(fmt::format(
            "the shape given for input '{}' ({}) has {} at position {}, where the model fixes "
            "{}: {}",
            Shortened(name), ir::ShapeToString(*given), (*given)[index], d, dim.dim_value(),
            DescribeInput(input)));
      }
      shape.push_back(dim.dim_value());
    } else if (given != nullptr) {
      shape.push_back((*given)[index]);
    } else if (d == 0) {
      shape.push_back(1);  // a symbolic batch: run one image at a time
    } else {
      unsettled.push_back(fmt::format("'{}' at position {}", DimText(dim), d));
    }
  }
  if (!unsettled.empty()) {
    std::string list;
    for (const std::string& dim : unsettled) {
      if (!list.empty()) list += ", ";
      list += dim;
    }
    throw InputShapeError(fmt::format(
        "graph input '{}' has dynamic dim{} {} ({}); give the shape to run it at with {}",
        Shortened(name), unsettled.size() > 1 ? "s" : "", list, DescribeInput(input),
        ExampleOption(name, declared)));
  }
  return shape;
}

}  // namespace edgebench::formats::onnx_detail
