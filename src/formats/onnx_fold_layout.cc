// Constant folding of data movement: Gather, (Un)squeeze, Concat, Slice, Transpose,
// Reshape dims, ConstantOfShape, Expand, Tile, Range.

#include <algorithm>
#include <cmath>
#include <set>

#include "formats/onnx_fold_util.h"

namespace edgebench::formats::onnx_detail::fold {

using onnx::TensorProto;

ConstTensor Gather(const ConstTensor& data, const ConstTensor& indices_tensor,
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

ConstTensor Unsqueeze(const ConstTensor& data, const std::vector<int64_t>& axes) {
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

ConstTensor Squeeze(const ConstTensor& data, const std::optional<std::vector<int64_t>>& axes) {
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

ConstTensor Concat(const std::vector<const ConstTensor*>& inputs, NodeAttributes& attrs,
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

ConstTensor Slice(const ConstTensor& data, const SliceParams& params) {
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

ConstTensor Transpose(const ConstTensor& data, NodeAttributes& attrs) {
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

ConstTensor ConstantOfShape(const ConstTensor& shape, NodeAttributes& attrs,
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
ConstTensor Expand(const ConstTensor& data, const ConstTensor& shape,
                   const OnnxImportLimits& limits, FoldSource& source) {
  const std::vector<int64_t> target = IntValues(shape, "Expand shape");
  if (shape.dims.size() != 1) throw FormatError("Expand shape must be 1-D");
  CheckedElementCount(target, limits, "Expand shape");
  const ir::Shape dims = BroadcastDims("Expand", data.dims, target);
  source.Charge(CheckedElementCount(dims, limits, "Expand output"));
  // Broadcast strides of the data, 0 along stretched dims.
  ir::Shape aligned(dims.size() - data.dims.size(), 1);
  aligned.insert(aligned.end(), data.dims.begin(), data.dims.end());
  std::vector<int64_t> strides = Strides(aligned);
  for (size_t d = 0; d < dims.size(); ++d) {
    if (aligned[d] == 1) strides[d] = 0;
  }
  ConstTensor out = EmptyLike(data, dims);
  ForEachIndex(dims, [&](const std::vector<int64_t>& index) {
    int64_t offset = 0;
    for (size_t d = 0; d < dims.size(); ++d) offset += index[d] * strides[d];
    Append(out, data, offset);
  });
  return out;
}

ConstTensor Tile(const ConstTensor& data, const ConstTensor& repeats_tensor,
                 const OnnxImportLimits& limits, FoldSource& source) {
  const std::vector<int64_t> repeats = IntValues(repeats_tensor, "Tile repeats");
  if (repeats.size() != data.dims.size()) {
    throw FormatError(
        fmt::format("Tile has {} repeats for rank {}", repeats.size(), data.dims.size()));
  }
  ir::Shape dims = data.dims;
  for (size_t d = 0; d < dims.size(); ++d) {
    if (repeats[d] < 0 || repeats[d] > limits.max_tensor_elements) {
      throw FormatError(fmt::format("Tile repeat {} is invalid", repeats[d]));
    }
    dims[d] *= repeats[d];  // each factor is bounded by the element limit: no overflow
  }
  source.Charge(CheckedElementCount(dims, limits, "Tile output"));
  const std::vector<int64_t> strides = Strides(data.dims);
  ConstTensor out = EmptyLike(data, dims);
  ForEachIndex(dims, [&](const std::vector<int64_t>& index) {
    int64_t offset = 0;
    for (size_t d = 0; d < dims.size(); ++d) offset += (index[d] % data.dims[d]) * strides[d];
    Append(out, data, offset);
  });
  return out;
}

ConstTensor Range(const ConstTensor& start, const ConstTensor& limit, const ConstTensor& delta,
                  const OnnxImportLimits& limits, FoldSource& source) {
  if (start.size() != 1 || limit.size() != 1 || delta.size() != 1) {
    throw FormatError("Range start, limit and delta must be scalars");
  }
  if (start.is_int != limit.is_int || start.is_int != delta.is_int) {
    throw FormatError("Range of mixed element types");
  }
  const double first = start.At(0);
  const double step = delta.At(0);
  if (step == 0.0 || !std::isfinite(step) || !std::isfinite(first) || !std::isfinite(limit.At(0))) {
    throw FormatError("Range needs finite bounds and a non-zero delta");
  }
  const double span = std::ceil((limit.At(0) - first) / step);
  const double count = std::max(span, 0.0);
  if (count > static_cast<double>(limits.max_tensor_elements)) {
    throw FormatError(fmt::format("Range of {} elements exceeds the limit", count));
  }
  const auto n = static_cast<int64_t>(count);
  source.Charge(n);
  ConstTensor out = EmptyLike(start, {n});
  for (int64_t i = 0; i < n; ++i) {
    if (out.is_int) {
      int64_t value = 0;
      if (__builtin_mul_overflow(i, delta.ints[0], &value) ||
          __builtin_add_overflow(value, start.ints[0], &value)) {
        throw FormatError("Range overflows int64");
      }
      out.ints.push_back(value);
    } else {
      out.floats.push_back(start.floats[0] + static_cast<float>(i) * delta.floats[0]);
    }
  }
  return out;
}

}  // namespace edgebench::formats::onnx_detail::fold
