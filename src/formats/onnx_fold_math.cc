// Constant folding of arithmetic, comparisons, Where, reductions and Cast.

#include <algorithm>
#include <cmath>
#include <limits>

#include "formats/onnx_fold_util.h"

namespace edgebench::formats::onnx_detail::fold {

using onnx::TensorProto;

ConstTensor Cast(const ConstTensor& data, NodeAttributes& attrs) {
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

namespace {

enum class Kind { kArithmetic, kComparison, kLogical };

Kind KindOf(const std::string& op) {
  if (op == "Equal" || op == "Less" || op == "Greater" || op == "LessOrEqual" ||
      op == "GreaterOrEqual") {
    return Kind::kComparison;
  }
  if (op == "And" || op == "Or" || op == "Xor") return Kind::kLogical;
  return Kind::kArithmetic;
}

// false on overflow, division by zero or an undefined integer result.
bool IntArithmetic(const std::string& op, bool fmod, int64_t a, int64_t b, int64_t& out) {
  if (op == "Add") return !__builtin_add_overflow(a, b, &out);
  if (op == "Sub") return !__builtin_sub_overflow(a, b, &out);
  if (op == "Mul") return !__builtin_mul_overflow(a, b, &out);
  if (op == "Max" || op == "Min") {
    out = op == "Max" ? std::max(a, b) : std::min(a, b);
    return true;
  }
  if (op == "Pow") {
    if (b < 0) return false;
    out = 1;
    for (int64_t i = 0; i < b; ++i) {
      if (__builtin_mul_overflow(out, a, &out)) return false;
      if (out == 0 || out == 1) break;  // stays put (and bounds the loop)
    }
    if (out == 1 && a == -1 && b % 2 == 1) out = -1;
    return true;
  }
  if (b == 0 || (a == std::numeric_limits<int64_t>::min() && b == -1)) return false;
  if (op == "Div") {
    out = a / b;  // ONNX integer Div truncates like C++
  } else {        // Mod: the sign of the divisor, unless fmod (the dividend's)
    out = a % b;
    if (!fmod && out != 0 && ((out < 0) != (b < 0))) out += b;
  }
  return true;
}

float FloatArithmetic(const std::string& op, bool fmod, float a, float b) {
  if (op == "Add") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Div") return a / b;
  if (op == "Pow") return std::pow(a, b);
  if (op == "Max") return std::max(a, b);
  if (op == "Min") return std::min(a, b);
  const float r = std::fmod(a, b);  // Mod
  return fmod || r == 0.0f || ((r < 0) == (b < 0)) ? r : r + b;
}

template <typename T>
bool Compare(const std::string& op, T a, T b) {
  if (op == "Equal") return a == b;
  if (op == "Less") return a < b;
  if (op == "Greater") return a > b;
  if (op == "LessOrEqual") return a <= b;
  return a >= b;  // GreaterOrEqual
}

bool Logical(const std::string& op, bool a, bool b) {
  if (op == "And") return a && b;
  if (op == "Or") return a || b;
  return a != b;  // Xor
}

// Strides of `dims` right-aligned to `rank`, 0 along broadcast dims.
std::vector<int64_t> BroadcastStrides(const ir::Shape& dims, size_t rank) {
  ir::Shape aligned(rank - dims.size(), 1);
  aligned.insert(aligned.end(), dims.begin(), dims.end());
  std::vector<int64_t> strides = Strides(aligned);
  for (size_t d = 0; d < rank; ++d) {
    if (aligned[d] == 1) strides[d] = 0;
  }
  return strides;
}

// Calls fn(output index, offset in each operand) over the broadcast of `operands`.
void ForEachBroadcast(const ir::Shape& dims, const std::vector<const ConstTensor*>& operands,
                      const std::function<void(const std::vector<int64_t>&)>& fn) {
  std::vector<std::vector<int64_t>> strides;
  for (const ConstTensor* operand : operands) {
    strides.push_back(BroadcastStrides(operand->dims, dims.size()));
  }
  std::vector<int64_t> offsets(operands.size());
  ForEachIndex(dims, [&](const std::vector<int64_t>& index) {
    for (size_t o = 0; o < operands.size(); ++o) {
      offsets[o] = 0;
      for (size_t d = 0; d < dims.size(); ++d) offsets[o] += index[d] * strides[o][d];
    }
    fn(offsets);
  });
}

bool Truthy(const ConstTensor& t, int64_t i) {
  return t.is_int ? t.ints[static_cast<size_t>(i)] != 0 : t.floats[static_cast<size_t>(i)] != 0;
}

}  // namespace

ir::Shape BroadcastDims(const std::string& op, const ir::Shape& a, const ir::Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  ir::Shape dims(rank);
  for (size_t d = 0; d < rank; ++d) {
    const int64_t da = d < rank - a.size() ? 1 : a[d - (rank - a.size())];
    const int64_t db = d < rank - b.size() ? 1 : b[d - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw FormatError(fmt::format("{} operands {} and {} do not broadcast", op, fmt::join(a, "x"),
                                    fmt::join(b, "x")));
    }
    dims[d] = da == 1 ? db : da;
  }
  return dims;
}

ConstTensor Binary(const std::string& op, const ConstTensor& a, const ConstTensor& b,
                   NodeAttributes& attrs, const OnnxImportLimits& limits, FoldSource& source) {
  const Kind kind = KindOf(op);
  // Pow may raise floats to integer powers; everything else takes one element type.
  if (a.is_int != b.is_int && !(op == "Pow" && !a.is_int)) {
    // Pow may also raise integers to floating powers: valid, but not folded here.
    if (op == "Pow") throw UnsupportedModelError("Pow of an integer base by a float exponent");
    throw FormatError(fmt::format("{} of mixed element types", op));
  }
  const bool fmod = op == "Mod" && attrs.Int("fmod", 0) != 0;
  const ir::Shape dims = BroadcastDims(op, a.dims, b.dims);
  // Broadcasting can make the output far larger than the operands: charge first.
  source.Charge(CheckedElementCount(dims, limits, fmt::format("{} output", op)));
  ConstTensor out;
  out.dims = dims;
  out.is_int = kind != Kind::kArithmetic || a.is_int;
  ForEachBroadcast(dims, {&a, &b}, [&](const std::vector<int64_t>& at) {
    const int64_t ia = at[0];
    const int64_t ib = at[1];
    switch (kind) {
      case Kind::kComparison:
        out.ints.push_back(
            a.is_int ? Compare(op, a.ints[static_cast<size_t>(ia)], b.ints[static_cast<size_t>(ib)])
                     : Compare(op, a.floats[static_cast<size_t>(ia)],
                               b.floats[static_cast<size_t>(ib)]));
        return;
      case Kind::kLogical:
        out.ints.push_back(Logical(op, Truthy(a, ia), Truthy(b, ib)));
        return;
      case Kind::kArithmetic:
        break;
    }
    if (out.is_int) {
      int64_t value = 0;
      if (!IntArithmetic(op, fmod, a.ints[static_cast<size_t>(ia)], b.ints[static_cast<size_t>(ib)],
                         value)) {
        throw FormatError(fmt::format("integer {} overflows or divides by zero", op));
      }
      out.ints.push_back(value);
    } else {
      const float exponent = b.is_int ? static_cast<float>(b.ints[static_cast<size_t>(ib)])
                                      : b.floats[static_cast<size_t>(ib)];
      out.floats.push_back(FloatArithmetic(op, fmod, a.floats[static_cast<size_t>(ia)], exponent));
    }
  });
  return out;
}

ConstTensor Unary(const std::string& op, const ConstTensor& x) {
  ConstTensor out = EmptyLike(x, x.dims);
  if (op == "Not") {
    out.is_int = true;
    for (int64_t i = 0; i < x.size(); ++i) out.ints.push_back(!Truthy(x, i));
    return out;
  }
  if (x.is_int) {
    for (int64_t v : x.ints) {
      if (v == std::numeric_limits<int64_t>::min() && (op == "Neg" || op == "Abs")) {
        throw FormatError(fmt::format("integer {} overflows", op));
      }
      if (op == "Neg") {
        out.ints.push_back(-v);
      } else if (op == "Abs") {
        out.ints.push_back(v < 0 ? -v : v);
      } else if (op == "Sign") {
        out.ints.push_back((v > 0) - (v < 0));
      } else if (op == "Relu") {
        out.ints.push_back(std::max<int64_t>(v, 0));
      } else if (op == "Floor" || op == "Ceil") {
        out.ints.push_back(v);
      } else {
        throw FormatError(fmt::format("{} of an integer tensor", op));
      }
    }
    return out;
  }
  for (float v : x.floats) {
    float r;
    if (op == "Neg") {
      r = -v;
    } else if (op == "Abs") {
      r = std::abs(v);
    } else if (op == "Sqrt") {
      r = std::sqrt(v);
    } else if (op == "Reciprocal") {
      r = 1.0f / v;
    } else if (op == "Floor") {
      r = std::floor(v);
    } else if (op == "Ceil") {
      r = std::ceil(v);
    } else if (op == "Exp") {
      r = std::exp(v);
    } else if (op == "Log") {
      r = std::log(v);
    } else if (op == "Sign") {
      r = static_cast<float>((v > 0) - (v < 0));
    } else {  // Relu
      r = std::max(v, 0.0f);
    }
    out.floats.push_back(r);
  }
  return out;
}

ConstTensor Where(const ConstTensor& condition, const ConstTensor& x, const ConstTensor& y,
                  const OnnxImportLimits& limits, FoldSource& source) {
  if (x.is_int != y.is_int) throw FormatError("Where of mixed element types");
  const ir::Shape dims =
      BroadcastDims("Where", BroadcastDims("Where", condition.dims, x.dims), y.dims);
  source.Charge(CheckedElementCount(dims, limits, "Where output"));
  ConstTensor out = EmptyLike(x, dims);
  ForEachBroadcast(dims, {&condition, &x, &y}, [&](const std::vector<int64_t>& at) {
    Append(out, Truthy(condition, at[0]) ? x : y, Truthy(condition, at[0]) ? at[1] : at[2]);
  });
  return out;
}

ConstTensor Reduce(const std::string& op, const ConstTensor& data,
                   const std::optional<std::vector<int64_t>>& axes, bool keepdims,
                   bool noop_when_empty) {
  const auto rank = static_cast<int64_t>(data.dims.size());
  std::vector<bool> reduced(data.dims.size(), true);
  if (axes.has_value() && !axes->empty()) {
    reduced.assign(data.dims.size(), false);
    for (int64_t axis : *axes) {
      const auto d = static_cast<size_t>(Normalize(axis, rank, "axis"));
      if (reduced[d]) throw FormatError("reduction axes repeat");
      reduced[d] = true;
    }
  } else if (noop_when_empty) {
    return data;
  }
  ir::Shape dims;
  for (size_t d = 0; d < data.dims.size(); ++d) {
    if (!reduced[d]) {
      dims.push_back(data.dims[d]);
    } else if (keepdims) {
      dims.push_back(1);
    }
  }
  const int64_t count = ir::ElementCount(dims);
  if (data.size() == 0 && (op == "ReduceMax" || op == "ReduceMin" || op == "ReduceMean")) {
    throw UnsupportedModelError(fmt::format("{} of an empty tensor", op));
  }
  // Accumulate in double (exact for int64 shape values that matter) or int64.
  std::vector<double> acc(static_cast<size_t>(count), op == "ReduceProd" ? 1.0 : 0.0);
  std::vector<int64_t> iacc(static_cast<size_t>(count), op == "ReduceProd" ? 1 : 0);
  std::vector<bool> first(static_cast<size_t>(count), true);
  const std::vector<int64_t> out_strides = Strides(dims);
  int64_t flat = 0;
  ForEachIndex(data.dims, [&](const std::vector<int64_t>& index) {
    int64_t o = 0;
    size_t od = 0;
    for (size_t d = 0; d < index.size(); ++d) {
      if (!reduced[d]) {
        o += index[d] * out_strides[od++];
      } else if (keepdims) {
        ++od;
      }
    }
    const auto slot = static_cast<size_t>(o);
    const double v = data.At(flat);
    if (data.is_int) {
      const int64_t iv = data.ints[static_cast<size_t>(flat)];
      bool ok = true;
      if (op == "ReduceSum" || op == "ReduceMean") {
        ok = !__builtin_add_overflow(iacc[slot], iv, &iacc[slot]);
      } else if (op == "ReduceProd") {
        ok = !__builtin_mul_overflow(iacc[slot], iv, &iacc[slot]);
      } else {
        iacc[slot] = first[slot]         ? iv
                     : op == "ReduceMax" ? std::max(iacc[slot], iv)
                                         : std::min(iacc[slot], iv);
      }
      if (!ok) throw FormatError(fmt::format("integer {} overflows", op));
    } else if (op == "ReduceSum" || op == "ReduceMean") {
      acc[slot] += v;
    } else if (op == "ReduceProd") {
      acc[slot] *= v;
    } else {
      acc[slot] = first[slot]         ? v
                  : op == "ReduceMax" ? std::max(acc[slot], v)
                                      : std::min(acc[slot], v);
    }
    first[slot] = false;
    ++flat;
  });
  ConstTensor out = EmptyLike(data, dims);
  const int64_t group = count == 0 ? 0 : data.size() / count;
  for (size_t i = 0; i < static_cast<size_t>(count); ++i) {
    if (data.is_int) {
      out.ints.push_back(op == "ReduceMean" ? iacc[i] / std::max<int64_t>(group, 1) : iacc[i]);
    } else {
      out.floats.push_back(
          static_cast<float>(op == "ReduceMean" ? acc[i] / static_cast<double>(group) : acc[i]));
    }
  }
  return out;
}

}  // namespace edgebench::formats::onnx_detail::fold
