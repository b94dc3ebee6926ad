#include "ir/ops.h"

namespace edgebench::ir {

std::string_view OpName(OpKind op) {
  switch (op) {
    case OpKind::kConv:
      return "conv";
    case OpKind::kBatchNorm:
      return "batch_norm";
    case OpKind::kRelu:
      return "relu";
    case OpKind::kRelu6:
      return "relu6";
    case OpKind::kLeakyRelu:
      return "leaky_relu";
    case OpKind::kSigmoid:
      return "sigmoid";
    case OpKind::kSoftmax:
      return "softmax";
    case OpKind::kMaxPool:
      return "max_pool";
    case OpKind::kAvgPool:
      return "avg_pool";
    case OpKind::kGlobalAvgPool:
      return "global_avg_pool";
    case OpKind::kFullyConnected:
      return "fully_connected";
    case OpKind::kAdd:
      return "add";
    case OpKind::kConcat:
      return "concat";
    case OpKind::kFlatten:
      return "flatten";
    case OpKind::kReshape:
      return "reshape";
    case OpKind::kUpsampleNearest:
      return "upsample_nearest";
    case OpKind::kLrn:
      return "lrn";
  }
  return "unknown";
}

}  // namespace edgebench::ir
