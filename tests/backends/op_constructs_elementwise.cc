// Constructs of the elementwise part of the modern op set: the six binary ops with every
// broadcasting form (a constant [C,1,1] on either side, a rank-1 and a scalar constant,
// two activations where one stretches and where both do), the unary activations on
// inputs scaled so that their interesting ranges (clamps, saturation) are reached, clip,
// and the three reductions with keepdims on and off and negative axes.
#include <fmt/format.h>

#include <functional>
#include <limits>

#include "op_constructs.h"

namespace edgebench::backends::constructs {
namespace {

using ir::OpKind;
using ir::ValueId;
using zoo::GraphBuilder;

// Seeded inputs are uniform in [-1, 1); most constructs use this NCHW shape, with H != W
// so that a transposed or misaligned dim changes the result.
const ir::Shape kImage{1, 8, 6, 7};

ValueId Scalar(GraphBuilder& b, const std::string& name, float value) {
  return b.Constant(name, {}, {value, 0.0f});
}

// x * factor: widens the input range so activations reach their clamps and tails.
ValueId Scaled(GraphBuilder& b, ValueId x, float factor) {
  return b.Op("scale", OpKind::kMul, {}, {x, Scalar(b, "scale.factor", factor)});
}

// How a binary op's operands are kept inside its domain: Div's divisor away from 0,
// Pow's base positive. Activation operands pass through `lhs` / `rhs`; constants are
// drawn from `lhs_init` / `rhs_init`.
struct BinaryOp {
  const char* name;
  OpKind op;
  ir::WeightInit lhs_init{0.0f, 1.0f};
  ir::WeightInit rhs_init{0.0f, 1.0f};
  std::function<ValueId(GraphBuilder&, ValueId)> lhs = [](GraphBuilder&, ValueId v) { return v; };
  std::function<ValueId(GraphBuilder&, ValueId)> rhs = [](GraphBuilder&, ValueId v) { return v; };
};

std::vector<BinaryOp> BinaryOps() {
  // sigmoid(v) for v in [-1, 1] lies in [0.27, 0.73]; exp(v) in [0.37, 2.72].
  auto sigmoid = [](GraphBuilder& b, ValueId v) { return b.Sigmoid("rhs.sigmoid", v); };
  auto exp = [](GraphBuilder& b, ValueId v) { return b.Op("lhs.exp", OpKind::kExp, {}, {v}); };
  return {
      {.name = "add", .op = OpKind::kAdd},
      {.name = "sub", .op = OpKind::kSub},
      {.name = "mul", .op = OpKind::kMul},
      {.name = "div", .op = OpKind::kDiv, .rhs_init = {1.0f, 0.5f}, .rhs = sigmoid},
      {.name = "pow",
       .op = OpKind::kPow,
       .lhs_init = {1.0f, 0.5f},
       .rhs_init = {0.0f, 2.0f},
       .lhs = exp},
      {.name = "maximum", .op = OpKind::kMaximum},
      {.name = "minimum", .op = OpKind::kMinimum},
  };
}

void AddBinaryConstructs(std::vector<Construct>& out) {
  // Constant operands on either side: a scalar, per channel ([C,1,1] and [1,C,1,1]), and
  // along the last dim ([W], which NumPy aligns with W, not C).
  struct ConstantForm {
    const char* name;
    ir::Shape shape;
  };
  const ConstantForm constants[] = {
      {"scalar", {}}, {"c11", {8, 1, 1}}, {"1c11", {1, 8, 1, 1}}, {"last_dim", {7}}};
  for (const BinaryOp& op : BinaryOps()) {
    auto add = [&](const std::string& variant,
                   std::function<ValueId(GraphBuilder&, ValueId)> build) {
      out.push_back({fmt::format("{}_{}", op.name, variant), kImage, std::move(build)});
    };
    for (const ConstantForm& form : constants) {
      add(fmt::format("constant_{}", form.name), [op, form](GraphBuilder& b, ValueId x) {
        return b.Op("op", op.op, {}, {op.lhs(b, x), b.Constant("c", form.shape, op.rhs_init)});
      });
      add(fmt::format("constant_{}_first", form.name), [op, form](GraphBuilder& b, ValueId x) {
        return b.Op("op", op.op, {}, {b.Constant("c", form.shape, op.lhs_init), op.rhs(b, x)});
      });
    }
    add("activations_same_shape", [op](GraphBuilder& b, ValueId x) {
      return b.Op("op", op.op, {}, {op.lhs(b, x), op.rhs(b, b.Relu("relu", x))});
    });
    // [1,8,6,7] with [1,8,1,1]: one activation stretches over the other's spatial dims.
    add("activations_broadcast", [op](GraphBuilder& b, ValueId x) {
      return b.Op("op", op.op, {}, {op.lhs(b, x), op.rhs(b, b.GlobalAvgPool("gap", x))});
    });
    add("activations_broadcast_first", [op](GraphBuilder& b, ValueId x) {
      return b.Op("op", op.op, {}, {op.lhs(b, b.GlobalAvgPool("gap", x)), op.rhs(b, x)});
    });
    // [1,8,6,7] with [1,8,6,1]: stretched along the last dim only (as layer norm's mean).
    add("activations_broadcast_last_dim", [op](GraphBuilder& b, ValueId x) {
      const ValueId rows = b.MaxPool("rows", x, {1, 7}, {1, 7});
      return b.Op("op", op.op, {}, {op.lhs(b, x), op.rhs(b, rows)});
    });
    add("activations_broadcast_last_dim_first", [op](GraphBuilder& b, ValueId x) {
      const ValueId rows = b.MaxPool("rows", x, {1, 7}, {1, 7});
      return b.Op("op", op.op, {}, {op.lhs(b, rows), op.rhs(b, x)});
    });
    // [1,8,6,1] with [1,1,1,8]: both stretch, to [1,8,6,8].
    add("activations_mutual_broadcast", [op](GraphBuilder& b, ValueId x) {
      const ValueId rows = b.MaxPool("rows", x, {1, 7}, {1, 7});
      const ValueId channels = b.Reshape("channels", b.GlobalAvgPool("gap", x), {1, 1, 1, 8});
      return b.Op("op", op.op, {}, {op.lhs(b, rows), op.rhs(b, channels)});
    });
  }
}

void AddUnaryConstructs(std::vector<Construct>& out) {
  // Each unary op on x * factor; factor 1 keeps the seeded range [-1, 1).
  struct Unary {
    const char* name;
    OpKind op;
    float factor;
    ir::Attrs attrs;
  };
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const Unary unaries[] = {
      {"hard_sigmoid_default", OpKind::kHardSigmoid, 4.0f, ir::HardSigmoidAttrs{}},
      {"hard_sigmoid_alpha_beta", OpKind::kHardSigmoid, 1.0f, ir::HardSigmoidAttrs{0.8f, 0.3f}},
      {"hard_swish", OpKind::kHardSwish, 5.0f, {}},
      {"silu", OpKind::kSilu, 4.0f, {}},
      {"tanh", OpKind::kTanh, 3.0f, {}},
      {"exp", OpKind::kExp, 2.0f, {}},
      {"abs", OpKind::kAbs, 1.0f, {}},
      {"neg", OpKind::kNeg, 1.0f, {}},
      {"erf", OpKind::kErf, 2.0f, {}},
      {"gelu_erf", OpKind::kGelu, 3.0f, ir::GeluAttrs{false}},
      {"gelu_tanh", OpKind::kGelu, 3.0f, ir::GeluAttrs{true}},
      {"clip", OpKind::kClip, 1.0f, ir::ClipAttrs{-0.5f, 0.3f}},
      {"clip_min_only", OpKind::kClip, 1.0f, ir::ClipAttrs{-0.2f, kInf}},
      {"clip_max_only", OpKind::kClip, 1.0f, ir::ClipAttrs{-kInf, 0.4f}},
  };
  for (const Unary& u : unaries) {
    out.push_back({u.name, kImage, [u](GraphBuilder& b, ValueId x) {
                     return b.Op("op", u.op, u.attrs,
                                 {u.factor == 1.0f ? x : Scaled(b, x, u.factor)});
                   }});
  }
  // Log and Sqrt need positive inputs: |x| + 0.05 and |x| (sqrt(0) is defined).
  out.push_back({"log", kImage, [](GraphBuilder& b, ValueId x) {
                   const ValueId magnitude = b.Op("abs", OpKind::kAbs, {}, {x});
                   const ValueId positive =
                       b.Op("offset", OpKind::kAdd, {}, {magnitude, Scalar(b, "offset.c", 0.05f)});
                   return b.Op("op", OpKind::kLog, {}, {positive});
                 }});
  out.push_back({"sqrt", kImage, [](GraphBuilder& b, ValueId x) {
                   return b.Op("op", OpKind::kSqrt, {}, {b.Op("abs", OpKind::kAbs, {}, {x})});
                 }});
}

void AddReduceConstructs(std::vector<Construct>& out) {
  struct Reduce {
    const char* name;
    OpKind op;
    std::vector<int64_t> axes;
    bool keepdims;
  };
  const Reduce reductions[] = {
      {"reduce_mean_spatial_keep", OpKind::kReduceMean, {2, 3}, true},
      {"reduce_mean_last_drop", OpKind::kReduceMean, {-1}, false},
      {"reduce_mean_all_drop", OpKind::kReduceMean, {}, false},  // a scalar
      {"reduce_sum_channels_keep", OpKind::kReduceSum, {1}, true},
      {"reduce_sum_negative_drop", OpKind::kReduceSum, {-3, -1}, false},
      {"reduce_sum_all_keep", OpKind::kReduceSum, {}, true},
      {"reduce_max_channels_drop", OpKind::kReduceMax, {1}, false},
      {"reduce_max_negative_keep", OpKind::kReduceMax, {-2}, true},
      {"reduce_max_batch_spatial_drop", OpKind::kReduceMax, {0, 2, 3}, false},
  };
  for (const Reduce& r : reductions) {
    out.push_back({r.name, ir::Shape{2, 5, 4, 6}, [r](GraphBuilder& b, ValueId x) {
                     return b.Op("op", r.op, ir::ReduceAttrs{r.axes, r.keepdims}, {x});
                   }});
  }
}

}  // namespace

std::vector<Construct> ElementwiseOps() {
  std::vector<Construct> out;
  AddBinaryConstructs(out);
  AddUnaryConstructs(out);
  AddReduceConstructs(out);
  return out;
}

}  // namespace edgebench::backends::constructs
