#include "formats/onnx_constant_folding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <set>

namespace edgebench::formats::onnx_detail {
namespace {

using onnx::TensorProto;

// The operands of one node, resolved through the source.
class Operands {
 public:
  Operands(const onnx::NodeProto& node, FoldSource& source) : node_(node), source_(source) {}

  size_t count() const { return static_cast<size_t>(node_.input_size()); }
  bool Present(size_t i) const { return i < count() && !node_.input(static_cast<int>(i)).empty(); }
  // nullptr when absent or not constant.
  const ConstTensor* Get(size_t i) const {
    return Present(i) ? source_.Constant(node_.input(static_cast<int>(i))) : nullptr;
  }
  bool AllConstant() const {
    for (size_t i = 0; i < count(); ++i) {
      if (Present(i) && Get(i) == nullptr) return false;
    }
    return true;
  }

 private:
  const onnx::NodeProto& node_;
  FoldSource& source_;
};

int64_t Normalize(int64_t axis, int64_t rank, const char* what) {
  if (axis < -rank || axis >= rank) {
    throw FormatError(fmt::format("{} {} out of range for rank {}", what, axis, rank));
  }
  return axis < 0 ? axis + rank : axis;
}

int64_t Product(const ir::Shape& dims, size_t begin, size_t end) {
  int64_t product = 1;
  for (size_t d = begin; d < end; ++d) product *= dims[d];
  return product;
}

std::vector<int64_t> Strides(const ir::Shape& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (size_t d = dims.size(); d-- > 1;) strides[d - 1] = strides[d] * dims[d];
  return strides;
}

std::vector<int64_t> IntValues(const ConstTensor& tensor, const char* what) {
  if (!tensor.is_int) throw FormatError(fmt::format("{} must be an integer tensor", what));
  return tensor.ints;
}

ConstTensor EmptyLike(const ConstTensor& like, ir::Shape dims) {
  ConstTensor out;
  out.dims = std::move(dims);
  out.is_int = like.is_int;
  return out;
}

void Append(ConstTensor& out, const ConstTensor& src, int64_t i) {
  const auto index = static_cast<size_t>(i);
  if (out.is_int) {
    out.ints.push_back(src.ints[index]);
  } else {
    out.floats.push_back(src.floats[index]);
  }
}

ConstTensor IntTensor(ir::Shape dims, std::vector<int64_t> values) {
  ConstTensor out;
  out.dims = std::move(dims);
  out.is_int = true;
  out.ints = std::move(values);
  return out;
}

// Calls fn(index) for every multi-index of `dims` in row-major order.
void ForEachIndex(const ir::Shape& dims,
                  const std::function<void(const std::vector<int64_t>&)>& fn) {
  for (int64_t dim : dims) {
    if (dim == 0) return;
  }
  std::vector<int64_t> index(dims.size(), 0);
  while (true) {
    fn(index);
    size_t d = dims.size();
    while (d > 0) {
      --d;
      if (++index[d] < dims[d]) break;
      index[d] = 0;
      if (d == 0) return;
    }
    if (dims.empty()) return;
  }
}

ConstTensor Reshaped(ConstTensor tensor, ir::Shape dims) {
  tensor.dims = std::move(dims);
  return tensor;
}

ConstTensor FoldConstant(NodeAttributes& attrs, const OnnxImportLimits& limits) {
  if (const TensorProto* value = attrs.Tensor("value")) {
    ValidateTensor(*value, limits, "Constant value");
    return DecodeTensor(*value, "Constant value");
  }
  ConstTensor out;
  if (attrs.Has("value_float")) {
    out.floats = {attrs.Float("value_float", 0)};
  } else if (attrs.Has("value_floats")) {
    out.floats = attrs.Floats("value_floats");
    out.dims = {static_cast<int64_t>(out.floats.size())};
  } else if (attrs.Has("value_int")) {
    out = IntTensor({}, {attrs.Int("value_int", 0)});
  } else if (attrs.Has("value_ints")) {
    std::vector<int64_t> values = attrs.Ints("value_ints");
    const auto size = static_cast<int64_t>(values.size());
    out = IntTensor({size}, std::move(values));
  } else {
    throw UnsupportedModelError("Constant without a dense numeric value is unsupported");
  }
  return out;
}

ConstTensor FoldShape(const ir::Shape& dims, NodeAttributes& attrs) {
  const auto rank = static_cast<int64_t>(dims.size());
  // Opset 15 slices the shape; out-of-range bounds clamp.
  auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
  const int64_t start = clamp(attrs.Int("start", 0));
  const int64_t end = clamp(attrs.Int("end", rank));
  std::vector<int64_t> values;
  for (int64_t d = start; d < end; ++d) values.push_back(dims[static_cast<size_t>(d)]);
  const auto size = static_cast<int64_t>(values.size());
  return IntTensor({size}, std::move(values));
}

ConstTensor FoldGather(const ConstTensor& data, const ConstTensor& indices_tensor,
                       NodeAttributes& attrs, const OnnxImportLimits& limits, FoldSource& source) {
  const auto rank = static_cast<int64_t>(data.dims.size());
  if (rank == 0) throw FormatError("Gather on a scalar");
  const auto axis = static_cast<size_t>(Normalize(attrs.Int("axis", 0), rank, "axis"));
  std::vector<int64_t> indices = IntValues(indices_tensor, "Gather indices");
  const int64_t extent = data.dims[axis];
  for (int64_t& index : indices) {
    if (index < -extent || index >= extent) {
      throw FormatError(fmt::format("Gather index {} out of range for dim {}", index, extent));
    }
    if (index < 0) index += extent;
  }
  ir::Shape dims(data.dims.begin(), data.dims.begin() + static_cast<std::ptrdiff_t>(axis));
  dims.insert(dims.end(), indices_tensor.dims.begin(), indices_tensor.dims.end());
  dims.insert(dims.end(), data.dims.begin() + static_cast<std::ptrdiff_t>(axis) + 1,
              data.dims.end());
  // Repeated indices can make the output far larger than the operands: charge first.
  source.Charge(CheckedElementCount(dims, limits, "Gather output"));
  const int64_t outer = Product(data.dims, 0, axis);
  const int64_t inner = Product(data.dims, axis + 1, data.dims.size());
  ConstTensor out = EmptyLike(data, dims);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t index : indices) {
      for (int64_t i = 0; i < inner; ++i) Append(out, data, (o * extent + index) * inner + i);
    }
  }
  return out;
}

ConstTensor FoldUnsqueeze(const ConstTensor& data, const std::vector<int64_t>& axes) {
  const auto out_rank = static_cast<int64_t>(data.dims.size() + axes.size());
  std::set<int64_t> inserted;
  for (int64_t axis : axes) {
    if (!inserted.insert(Normalize(axis, out_rank, "Unsqueeze axis")).second) {
      throw FormatError("Unsqueeze axes repeat");
    }
  }
  ir::Shape dims;
  size_t next = 0;
  for (int64_t d = 0; d < out_rank; ++d) {
    dims.push_back(inserted.contains(d) ? 1 : data.dims[next++]);
  }
  return Reshaped(data, std::move(dims));
}

ConstTensor FoldSqueeze(const ConstTensor& data, const std::optional<std::vector<int64_t>>& axes) {
  const auto rank = static_cast<int64_t>(data.dims.size());
  std::set<int64_t> removed;
  if (axes.has_value()) {
    for (int64_t axis : *axes) {
      const int64_t d = Normalize(axis, rank, "Squeeze axis");
      if (data.dims[static_cast<size_t>(d)] != 1) {
        throw FormatError(
            fmt::format("Squeeze axis {} has size {}", axis, data.dims[static_cast<size_t>(d)]));
      }
      removed.insert(d);
    }
  } else {
    for (int64_t d = 0; d < rank; ++d) {
      if (data.dims[static_cast<size_t>(d)] == 1) removed.insert(d);
    }
  }
  ir::Shape dims;
  for (int64_t d = 0; d < rank; ++d) {
    if (!removed.contains(d)) dims.push_back(data.dims[static_cast<size_t>(d)]);
  }
  return Reshaped(data, std::move(dims));
}

ConstTensor FoldConcat(const std::vector<const ConstTensor*>& inputs, NodeAttributes& attrs,
                       const OnnxImportLimits& limits, FoldSource& source) {
  if (inputs.empty()) throw FormatError("Concat without inputs");
  const ConstTensor& first = *inputs.front();
  const auto rank = static_cast<int64_t>(first.dims.size());
  if (rank == 0) throw FormatError("Concat of scalars");
  const auto axis = static_cast<size_t>(Normalize(attrs.Int("axis", 1), rank, "axis"));
  ir::Shape dims = first.dims;
  dims[axis] = 0;
  for (const ConstTensor* input : inputs) {
    bool compatible = input->dims.size() == first.dims.size() && input->is_int == first.is_int;
    for (size_t d = 0; compatible && d < dims.size(); ++d) {
      compatible = d == axis || input->dims[d] == first.dims[d];
    }
    if (!compatible) throw FormatError("Concat inputs differ in rank, type or dims");
    dims[axis] += input->dims[axis];
    CheckedElementCount(dims, limits, "Concat output");
  }
  // One operand may be repeated many times: charge before allocating.
  source.Charge(ir::ElementCount(dims));
  const int64_t outer = Product(first.dims, 0, axis);
  ConstTensor out = EmptyLike(first, dims);
  for (int64_t o = 0; o < outer; ++o) {
    for (const ConstTensor* input : inputs) {
      const int64_t block = Product(input->dims, axis, input->dims.size());
      for (int64_t i = 0; i < block; ++i) Append(out, *input, o * block + i);
    }
  }
  return out;
}

ConstTensor FoldCast(const ConstTensor& data, NodeAttributes& attrs) {
  const int64_t to = attrs.Int("to", TensorProto::UNDEFINED);
  if (to < std::numeric_limits<int32_t>::min() || to > std::numeric_limits<int32_t>::max()) {
    throw FormatError(fmt::format("Cast to invalid type {}", to));
  }
  const auto target = static_cast<int32_t>(to);
  ConstTensor out = EmptyLike(data, data.dims);
  if (IsFloatingType(target)) {
    out.is_int = false;
    if (data.is_int) {
      for (int64_t v : data.ints) out.floats.push_back(static_cast<float>(v));
    } else {
      out.floats = data.floats;
    }
    return out;
  }
  switch (target) {
    case TensorProto::INT64:
    case TensorProto::INT32:
    case TensorProto::INT16:
    case TensorProto::INT8:
    case TensorProto::UINT64:
    case TensorProto::UINT32:
    case TensorProto::UINT16:
    case TensorProto::UINT8:
    case TensorProto::BOOL:
      break;
    default:
      throw UnsupportedModelError(fmt::format("Cast to {} is unsupported", DataTypeName(target)));
  }
  out.is_int = true;
  const bool to_bool = target == TensorProto::BOOL;
  if (data.is_int) {
    out.ints = data.ints;
    if (to_bool) {
      for (int64_t& v : out.ints) v = v != 0;
    }
    return out;
  }
  for (float v : data.floats) {
    if (to_bool) {
      out.ints.push_back(v != 0.0f);
      continue;
    }
    // 2^63 is exact in float; anything at or beyond it (or NaN) has no int64 value.
    if (!(std::abs(v) < 9.2233720368547758e18f)) {
      throw FormatError(fmt::format("Cast of {} to an integer overflows", v));
    }
    out.ints.push_back(static_cast<int64_t>(v));
  }
  return out;
}

struct SliceParams {
  std::vector<int64_t> starts, ends, axes, steps;
};

ConstTensor FoldSlice(const ConstTensor& data, const SliceParams& params) {
  const auto rank = static_cast<int64_t>(data.dims.size());
  const size_t n = params.starts.size();
  if (params.ends.size() != n || params.axes.size() != n || params.steps.size() != n) {
    throw FormatError("Slice starts/ends/axes/steps differ in length");
  }
  std::vector<int64_t> start(data.dims.size(), 0);
  std::vector<int64_t> step(data.dims.size(), 1);
  ir::Shape dims = data.dims;
  std::set<int64_t> seen;
  for (size_t i = 0; i < n; ++i) {
    const int64_t axis = Normalize(params.axes[i], rank, "Slice axis");
    if (!seen.insert(axis).second) throw FormatError("Slice axes repeat");
    const auto d = static_cast<size_t>(axis);
    const int64_t extent = data.dims[d];
    if (params.steps[i] == 0) throw FormatError("Slice step 0");
    if (extent == 0) {
      dims[d] = 0;
      continue;
    }
    // A step longer than the dim takes at most one element; clamping it keeps the
    // arithmetic below far from overflow for hostile values such as INT64_MIN.
    const int64_t s = std::clamp(params.steps[i], -(extent + 1), extent + 1);
    int64_t b = params.starts[i];
    int64_t e = params.ends[i];
    if (b < 0) b = b < -extent ? -1 : b + extent;
    if (e < 0) e = e < -extent ? -1 : e + extent;
    int64_t count;
    if (s > 0) {
      b = std::clamp(b, int64_t{0}, extent);
      e = std::clamp(e, int64_t{0}, extent);
      count = e > b ? (e - b + s - 1) / s : 0;
    } else {
      b = std::clamp(b, int64_t{0}, extent - 1);
      e = std::clamp(e, int64_t{-1}, extent - 1);
      count = b > e ? (b - e - s - 1) / -s : 0;
    }
    start[d] = b;
    step[d] = s;
    dims[d] = count;
  }
  const std::vector<int64_t> strides = Strides(data.dims);
  ConstTensor out = EmptyLike(data, dims);
  ForEachIndex(dims, [&](const std::vector<int64_t>& index) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d)
      offset += (start[d] + index[d] * step[d]) * strides[d];
    Append(out, data, offset);
  });
  return out;
}

ConstTensor FoldTranspose(const ConstTensor& data, NodeAttributes& attrs) {
  const size_t rank = data.dims.size();
  std::vector<int64_t> perm(rank);
  for (size_t d = 0; d < rank; ++d) perm[d] = static_cast<int64_t>(rank - 1 - d);
  perm = attrs.Ints("perm", perm);
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (size_t d = 0; d < sorted.size(); ++d) {
    if (sorted.size() != rank || sorted[d] != static_cast<int64_t>(d)) {
      throw FormatError("Transpose perm is not a permutation of the input dims");
    }
  }
  ir::Shape dims(rank);
  for (size_t d = 0; d < rank; ++d) dims[d] = data.dims[static_cast<size_t>(perm[d])];
  const std::vector<int64_t> strides = Strides(data.dims);
  ConstTensor out = EmptyLike(data, dims);
  ForEachIndex(dims, [&](const std::vector<int64_t>& index) {
    int64_t offset = 0;
    for (size_t d = 0; d < rank; ++d) offset += index[d] * strides[static_cast<size_t>(perm[d])];
    Append(out, data, offset);
  });
  return out;
}

// Target dims of a Reshape: 0 copies the input dim (unless allowzero), one -1 is inferred.
ir::Shape ReshapeDims(const ir::Shape& in, const std::vector<int64_t>& target, bool allow_zero,
                      const OnnxImportLimits& limits) {
  const int64_t total = ir::ElementCount(in);
  ir::Shape dims;
  int inferred = -1;
  for (size_t d = 0; d < target.size(); ++d) {
    int64_t dim = target[d];
    if (dim == 0 && !allow_zero) {
      if (d >= in.size()) throw FormatError("Reshape 0 refers past the input rank");
      dim = in[d];
    } else if (dim == -1) {
      if (inferred >= 0) throw FormatError("Reshape with two -1 dims");
      inferred = static_cast<int>(d);
      dim = 1;
    } else if (dim < 0) {
      throw FormatError(fmt::format("Reshape dim {} is invalid", dim));
    }
    dims.push_back(dim);
  }
  int64_t known = CheckedElementCount(dims, limits, "Reshape target");
  if (inferred >= 0) {
    if (known == 0 || total % known != 0) throw FormatError("Reshape cannot infer the -1 dim");
    dims[static_cast<size_t>(inferred)] = total / known;
    known = total;
  }
  if (known != total) {
    throw FormatError(
        fmt::format("cannot reshape {} elements into {}", total, fmt::join(dims, "x")));
  }
  return dims;
}

bool CheckedArithmetic(const std::string& op, int64_t a, int64_t b, int64_t& out) {
  if (op == "Add") return !__builtin_add_overflow(a, b, &out);
  if (op == "Sub") return !__builtin_sub_overflow(a, b, &out);
  if (op == "Mul") return !__builtin_mul_overflow(a, b, &out);
  if (b == 0 || (a == std::numeric_limits<int64_t>::min() && b == -1)) return false;
  out = a / b;  // ONNX integer Div truncates like C++.
  return true;
}

float FloatArithmetic(const std::string& op, float a, float b) {
  if (op == "Add") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  return a / b;
}

ConstTensor FoldBinary(const std::string& op, const ConstTensor& a, const ConstTensor& b,
                       const OnnxImportLimits& limits, FoldSource& source) {
  if (a.is_int != b.is_int) throw FormatError(fmt::format("{} of mixed element types", op));
  const size_t rank = std::max(a.dims.size(), b.dims.size());
  // Numpy broadcasting: align from the right; a dim of 1 stretches.
  auto aligned = [rank](const ir::Shape& dims) {
    ir::Shape out(rank - dims.size(), 1);
    out.insert(out.end(), dims.begin(), dims.end());
    return out;
  };
  const ir::Shape da = aligned(a.dims);
  const ir::Shape db = aligned(b.dims);
  ir::Shape dims(rank);
  for (size_t d = 0; d < rank; ++d) {
    if (da[d] != db[d] && da[d] != 1 && db[d] != 1) {
      throw FormatError(fmt::format("{} operands {} and {} do not broadcast", op,
                                    fmt::join(a.dims, "x"), fmt::join(b.dims, "x")));
    }
    dims[d] = da[d] == 1 ? db[d] : da[d];
  }
  // Broadcasting can make the output far larger than the operands: charge first.
  source.Charge(CheckedElementCount(dims, limits, fmt::format("{} output", op)));
  std::vector<int64_t> sa = Strides(da);
  std::vector<int64_t> sb = Strides(db);
  for (size_t d = 0; d < rank; ++d) {
    if (da[d] == 1) sa[d] = 0;
    if (db[d] == 1) sb[d] = 0;
  }
  ConstTensor out = EmptyLike(a, dims);
  ForEachIndex(dims, [&](const std::vector<int64_t>& index) {
    int64_t ia = 0;
    int64_t ib = 0;
    for (size_t d = 0; d < rank; ++d) {
      ia += index[d] * sa[d];
      ib += index[d] * sb[d];
    }
    if (out.is_int) {
      int64_t value = 0;
      if (!CheckedArithmetic(op, a.ints[static_cast<size_t>(ia)], b.ints[static_cast<size_t>(ib)],
                             value)) {
        throw FormatError(fmt::format("integer {} overflows or divides by zero", op));
      }
      out.ints.push_back(value);
    } else {
      out.floats.push_back(FloatArithmetic(op, a.floats[static_cast<size_t>(ia)],
                                           b.floats[static_cast<size_t>(ib)]));
    }
  });
  return out;
}

ConstTensor FoldConstantOfShape(const ConstTensor& shape, NodeAttributes& attrs,
                                const OnnxImportLimits& limits, FoldSource& source) {
  const std::vector<int64_t> dims = IntValues(shape, "ConstantOfShape input");
  const int64_t count = CheckedElementCount(dims, limits, "ConstantOfShape output");
  source.Charge(count);  // before allocating: a few bytes of input can ask for gigabytes
  ConstTensor value;
  value.floats = {0.0f};
  if (const TensorProto* tensor = attrs.Tensor("value")) {
    if (ValidateTensor(*tensor, limits, "ConstantOfShape value") != 1) {
      throw FormatError("ConstantOfShape value must have one element");
    }
    value = DecodeTensor(*tensor, "ConstantOfShape value");
  }
  ConstTensor out = EmptyLike(value, dims);
  if (out.is_int) {
    out.ints.assign(static_cast<size_t>(count), value.ints.front());
  } else {
    out.floats.assign(static_cast<size_t>(count), value.floats.front());
  }
  return out;
}

// Axes given as an attribute before `input_opset`, as input #1 from it on.
std::optional<std::vector<int64_t>> AxesOperand(NodeAttributes& attrs, const Operands& in,
                                                int64_t opset, int64_t input_opset) {
  if (opset < input_opset) {
    if (!attrs.Has("axes")) return std::nullopt;
    return attrs.Ints("axes");
  }
  if (!in.Present(1)) return std::nullopt;
  return IntValues(*in.Get(1), "axes");
}

}  // namespace

bool IsFoldableOp(const std::string& op_type) {
  static const std::set<std::string, std::less<>> kFoldable = {
      "Constant",  "Shape", "Size",  "Gather",  "Unsqueeze", "Squeeze",
      "Concat",    "Cast",  "Slice", "Reshape", "Flatten",   "Identity",
      "Transpose", "Add",   "Sub",   "Mul",     "Div",       "ConstantOfShape"};
  return kFoldable.contains(op_type);
}

std::optional<std::vector<ConstTensor>> FoldNode(const onnx::NodeProto& node, NodeAttributes& attrs,
                                                 int64_t opset, const OnnxImportLimits& limits,
                                                 FoldSource& source) {
  const std::string& op = node.op_type();
  if (!IsFoldableOp(op)) return std::nullopt;
  Operands in(node, source);
  ConstTensor out;
  if (op == "Shape" || op == "Size") {
    if (!in.Present(0)) throw FormatError(fmt::format("{} without an input", op));
    const ConstTensor* constant = in.Get(0);
    const ir::Shape* dims =
        constant != nullptr ? &constant->dims : source.ActivationShape(node.input(0));
    if (dims == nullptr) return std::nullopt;
    out = op == "Shape" ? FoldShape(*dims, attrs) : IntTensor({}, {ir::ElementCount(*dims)});
  } else {
    if (!in.AllConstant()) return std::nullopt;
    auto input = [&](size_t i) -> const ConstTensor& {
      if (!in.Present(i)) throw FormatError(fmt::format("{} is missing input #{}", op, i));
      return *in.Get(i);
    };
    if (op == "Constant") {
      out = FoldConstant(attrs, limits);
    } else if (op == "Gather") {
      out = FoldGather(input(0), input(1), attrs, limits, source);
    } else if (op == "Unsqueeze") {
      std::optional<std::vector<int64_t>> axes = AxesOperand(attrs, in, opset, 13);
      if (!axes.has_value()) throw FormatError("Unsqueeze without axes");
      out = FoldUnsqueeze(input(0), *axes);
    } else if (op == "Squeeze") {
      out = FoldSqueeze(input(0), AxesOperand(attrs, in, opset, 13));
    } else if (op == "Concat") {
      std::vector<const ConstTensor*> inputs;
      for (size_t i = 0; i < in.count(); ++i) inputs.push_back(&input(i));
      out = FoldConcat(inputs, attrs, limits, source);
    } else if (op == "Cast") {
      out = FoldCast(input(0), attrs);
    } else if (op == "Slice") {
      SliceParams params;
      if (opset < 10) {
        params.starts = attrs.Ints("starts");
        params.ends = attrs.Ints("ends");
        params.axes = attrs.Ints("axes");
      } else {
        params.starts = IntValues(input(1), "Slice starts");
        params.ends = IntValues(input(2), "Slice ends");
        if (in.Present(3)) params.axes = IntValues(input(3), "Slice axes");
        if (in.Present(4)) params.steps = IntValues(input(4), "Slice steps");
      }
      if (params.axes.empty()) {
        for (size_t i = 0; i < params.starts.size(); ++i) {
          params.axes.push_back(static_cast<int64_t>(i));
        }
      }
      if (params.steps.empty()) params.steps.assign(params.starts.size(), 1);
      out = FoldSlice(input(0), params);
    } else if (op == "Reshape") {
      const std::vector<int64_t> target =
          opset < 5 ? attrs.Ints("shape") : IntValues(input(1), "Reshape shape");
      const bool allow_zero = attrs.Int("allowzero", 0) != 0;
      out = Reshaped(input(0), ReshapeDims(input(0).dims, target, allow_zero, limits));
    } else if (op == "Flatten") {
      const ConstTensor& x = input(0);
      const auto rank = static_cast<int64_t>(x.dims.size());
      int64_t axis = attrs.Int("axis", 1);
      if (axis < -rank || axis > rank) throw FormatError("Flatten axis out of range");
      if (axis < 0) axis += rank;
      const auto split = static_cast<size_t>(axis);
      out = Reshaped(x, {Product(x.dims, 0, split), Product(x.dims, split, x.dims.size())});
    } else if (op == "Identity") {
      out = input(0);
    } else if (op == "Transpose") {
      out = FoldTranspose(input(0), attrs);
    } else if (op == "ConstantOfShape") {
      out = FoldConstantOfShape(input(0), attrs, limits, source);
    } else {  // Add, Sub, Mul, Div
      out = FoldBinary(op, input(0), input(1), limits, source);
    }
  }
  // Ops whose output may outgrow their operands charged before allocating.
  if (op != "Gather" && op != "ConstantOfShape" && op != "Concat" && op != "Add" && op != "Sub" &&
      op != "Mul" && op != "Div") {
    source.Charge(out.size());
  }
  std::vector<ConstTensor> outputs;
  outputs.push_back(std::move(out));
  return outputs;
}

}  // namespace edgebench::formats::onnx_detail
