#include "formats/input_shapes.h"

#include <fmt/format.h>

#include "formats/onnx.h"

namespace edgebench::formats {
namespace {

constexpr char kUsage[] =
    "expected NAME:1x3x224x224[,NAME:DIMS...] or, for a one-input model, "
    "1x3x224x224";

}  // namespace

InputShapes ParseInputShapes(std::string_view text) {
  InputShapes shapes;
  if (text.empty()) return shapes;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, comma - start);
    start = comma + 1;
    const size_t colon = item.rfind(':');
    const std::string name(colon == std::string_view::npos ? "" : item.substr(0, colon));
    const std::string dims(colon == std::string_view::npos ? item : item.substr(colon + 1));
    if (item.empty() || (colon != std::string_view::npos && name.empty())) {
      throw InputShapeError(fmt::format("bad input shape '{}': {}", text, kUsage));
    }
    ir::Shape shape;
    if (!ir::ParseShape(dims, shape)) {
      throw InputShapeError(
          fmt::format("bad input shape '{}': '{}' is not a shape of positive dims like 1x3x224x224",
                      item, dims));
    }
    if (!shapes.emplace(name, std::move(shape)).second) {
      throw InputShapeError(
          name.empty() ? fmt::format("bad input shape '{}': {}", text, kUsage)
                       : fmt::format("input '{}' is given two shapes in '{}'", name, text));
    }
  }
  if (shapes.size() > 1 && shapes.contains("")) {
    throw InputShapeError(fmt::format(
        "bad input shape '{}': a shape without a name applies to a one-input model; name "
        "every input when giving several",
        text));
  }
  return shapes;
}

std::string FormatInputShapes(const InputShapes& shapes) {
  std::string text;
  for (const auto& [name, shape] : shapes) {
    if (!text.empty()) text += ',';
    if (!name.empty()) text += name + ':';
    text += ir::ShapeToString(shape);
  }
  return text;
}

}  // namespace edgebench::formats
