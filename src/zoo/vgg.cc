// VGG-16 and VGG-19 (Simonyan & Zisserman 2015, configurations D and E) as in
// torchvision: 3x3 convs with bias, 2x2 max pools, three fully connected layers.
#include <string>
#include <vector>

#include "zoo/families.h"
#include "zoo/graph_builder.h"

namespace edgebench::zoo {
namespace {

ir::Graph BuildVgg(const std::string& name, const ir::Shape& input,
                   const std::vector<int>& convs_per_stage) {
  GraphBuilder b(name, input);
  ValueId x = b.input();
  const int64_t widths[5] = {64, 128, 256, 512, 512};
  for (size_t stage = 0; stage < convs_per_stage.size(); ++stage) {
    for (int i = 0; i < convs_per_stage[stage]; ++i) {
      std::string conv = "conv" + std::to_string(stage + 1) + "_" + std::to_string(i + 1);
      x = b.Relu(conv + "_relu", b.Conv2d(conv, x, widths[stage], 3, 1, 1));
    }
    x = b.MaxPool("pool" + std::to_string(stage + 1), x, {2, 2}, {2, 2});
  }
  x = b.Flatten("flatten", x);
  x = b.Relu("fc6_relu", b.FullyConnected("fc6", x, 4096));
  x = b.Relu("fc7_relu", b.FullyConnected("fc7", x, 4096));
  return b.Finish({b.Softmax("prob", b.FullyConnected("fc8", x, 1000))});
}

}  // namespace

ir::Graph BuildVgg16(const ir::Shape& input) { return BuildVgg("vgg16", input, {2, 2, 3, 3, 3}); }

ir::Graph BuildVgg19(const ir::Shape& input) { return BuildVgg("vgg19", input, {2, 2, 4, 4, 4}); }

}  // namespace edgebench::zoo
