#pragma once

// One builder per published architecture. Each takes the full input shape (batch and
// channels first) so the same definition serves every input size the user picks.

#include "ir/graph.h"

namespace edgebench::zoo {

ir::Graph BuildResNet18(const ir::Shape& input);
ir::Graph BuildResNet50(const ir::Shape& input);
ir::Graph BuildResNet101(const ir::Shape& input);
ir::Graph BuildXception(const ir::Shape& input);
ir::Graph BuildMobileNetV2(const ir::Shape& input);
ir::Graph BuildInceptionV4(const ir::Shape& input);
ir::Graph BuildAlexNet(const ir::Shape& input);
ir::Graph BuildVgg16(const ir::Shape& input);
ir::Graph BuildVgg19(const ir::Shape& input);
ir::Graph BuildVggS(const ir::Shape& input);
ir::Graph BuildCifarNet(const ir::Shape& input);
ir::Graph BuildSsdMobileNetV1(const ir::Shape& input);
ir::Graph BuildYoloV3(const ir::Shape& input);
ir::Graph BuildYoloV3Tiny(const ir::Shape& input);
ir::Graph BuildC3d(const ir::Shape& input);

// Variants that explain rows of the study's Table I (see paper_table1.cc).
ir::Graph BuildCifarNetValidConv(const ir::Shape& input);
ir::Graph BuildMobileNetV1(const ir::Shape& input);
ir::Graph BuildYoloV2TinyVoc(const ir::Shape& input);

}  // namespace edgebench::zoo
