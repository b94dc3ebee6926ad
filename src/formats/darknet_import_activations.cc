// Darknet's activation functions (activations.h, 2018) as IR ops. Those without an IR op
// of their own are composed exactly from their piecewise definitions.
#include <fmt/format.h>

#include "formats/darknet_import_context.h"

namespace edgebench::formats::darknet {

ValueId Importer::Activation(const DarknetSection& s, ValueId x, const std::string& fallback) {
  const std::string name = s.String("activation", fallback);
  zoo::GraphBuilder& b = *builder_;
  auto op = [&](const std::string& suffix, ir::OpKind kind, ir::Attrs attrs,
                std::vector<ValueId> inputs) {
    return b.Op(Name(name + "_" + suffix), kind, std::move(attrs), std::move(inputs));
  };
  auto clip = [&](const std::string& suffix, ValueId v, float lo, float hi) {
    return op(suffix, ir::OpKind::kClip, ir::ClipAttrs{lo, hi}, {v});
  };
  auto scaled = [&](const std::string& suffix, ValueId v, float factor) {
    return op(suffix, ir::OpKind::kMul, {}, {v, Scalar(name + "_" + suffix + "_factor", factor)});
  };
  // exp(min(x, 0)) - 1: the negative branch of elu and selu (0 for x >= 0).
  auto expm1_negative = [&]() {
    ValueId negative = op("negative", ir::OpKind::kMinimum, {}, {x, Scalar(name + "_zero", 0)});
    ValueId e = op("exp", ir::OpKind::kExp, {}, {negative});
    return op("expm1", ir::OpKind::kSub, {}, {e, Scalar(name + "_one", 1)});
  };

  if (name == "linear") return x;
  if (name == "logistic") return b.Sigmoid(Name("logistic"), x);
  if (name == "relu") return b.Relu(Name("relu"), x);
  if (name == "leaky") return b.LeakyRelu(Name("leaky"), x, 0.1f);
  if (name == "relie") return b.LeakyRelu(Name("relie"), x, 0.01f);
  if (name == "tanh") return op("tanh", ir::OpKind::kTanh, {}, {x});
  if (name == "hardtan") return clip("clip", x, -1.0f, 1.0f);
  if (name == "ramp") {  // x * (x > 0) + 0.1 * x
    return op("add", ir::OpKind::kAdd, {},
              {b.Relu(Name("ramp_relu"), x), scaled("tenth", x, 0.1f)});
  }
  if (name == "loggy") {  // 2 / (1 + exp(-x)) - 1
    ValueId twice = scaled("twice", b.Sigmoid(Name("loggy_logistic"), x), 2.0f);
    return op("sub", ir::OpKind::kSub, {}, {twice, Scalar("loggy_one", 1)});
  }
  if (name == "plse") {  // 0.125x + 0.5 on [-4, 4], slope 0.01 outside
    ValueId middle =
        op("middle", ir::OpKind::kHardSigmoid, ir::HardSigmoidAttrs{0.125f, 0.5f}, {x});
    ValueId outside = op("outside", ir::OpKind::kSub, {}, {x, clip("clip", x, -4.0f, 4.0f)});
    return op("add", ir::OpKind::kAdd, {}, {middle, scaled("tails", outside, 0.01f)});
  }
  if (name == "lhtan") {  // x on [0, 1], slope 0.001 outside
    ValueId middle = clip("clip", x, 0.0f, 1.0f);
    ValueId outside = op("outside", ir::OpKind::kSub, {}, {x, middle});
    return op("add", ir::OpKind::kAdd, {}, {middle, scaled("tails", outside, 0.001f)});
  }
  if (name == "elu") {  // x for x >= 0, exp(x) - 1 below
    return op("add", ir::OpKind::kAdd, {}, {b.Relu(Name("elu_relu"), x), expm1_negative()});
  }
  if (name == "selu") {  // 1.0507 x for x >= 0, 1.0507 * 1.6732 (exp(x) - 1) below
    ValueId positive = scaled("positive", b.Relu(Name("selu_relu"), x), 1.0507f);
    ValueId negative = scaled("negative_scaled", expm1_negative(), 1.0507f * 1.6732f);
    return op("add", ir::OpKind::kAdd, {}, {positive, negative});
  }
  if (name == "stair")
    Unsupported(s, "activation", "the stair activation needs floor, which the IR lacks");
  Unsupported(s, "activation", fmt::format("unknown activation '{}'", name));
}

}  // namespace edgebench::formats::darknet
