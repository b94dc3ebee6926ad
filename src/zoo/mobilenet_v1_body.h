#pragma once

#include "zoo/graph_builder.h"

namespace edgebench::zoo {

/// Conv + batch norm (eps 1e-3) + ReLU6 with TF "same" padding, the unit MobileNet-v1
/// and the SSD heads built on it are made of.
ValueId ConvBnRelu6Same(GraphBuilder& b, const std::string& name, ValueId x, int64_t out,
                        int64_t kernel, int64_t stride, int64_t groups = 1);

/// Outputs of MobileNet-v1's 11th and 13th pointwise layers (stride 16 and 32), the
/// feature maps SSD predicts from; the second is also the classifier's input.
struct MobileNetV1Features {
  ValueId stride16;
  ValueId stride32;
};

/// The MobileNet-v1 1.0 feature extractor (Howard et al. 2017, TF-slim definition).
MobileNetV1Features MobileNetV1Body(GraphBuilder& b, ValueId input);

}  // namespace edgebench::zoo
