// C3D (Tran et al. 2015) as released for Sports-1M (Caffe): eight 3x3x3 convolutions,
// 3-D max pools (the first spatial only, the last padded spatially), two 4096 fully
// connected layers, 487 classes. Caffe pools round up; with 16 frames that is the same
// as rounding down, and it is what lets the study's 12-frame clips through pool5.
#include <string>

#include "zoo/families.h"
#include "zoo/graph_builder.h"

namespace edgebench::zoo {

ir::Graph BuildC3d(const ir::Shape& input) {
  GraphBuilder b("c3d", input);
  auto conv = [&b](const std::string& name, ValueId x, int64_t out) {
    ValueId y = b.Conv(name, x,
                       {.out_channels = out, .kernel = {3, 3, 3}, .padding = Symmetric(1, 3)});
    return b.Relu(name + "_relu", y);
  };
  auto pool = [&b](const std::string& name, ValueId x, int64_t depth, Padding padding = {}) {
    return b.MaxPool(name, x, {depth, 2, 2}, {depth, 2, 2}, padding, /*ceil_mode=*/true);
  };
  ValueId x = pool("pool1", conv("conv1a", b.input(), 64), 1);
  x = pool("pool2", conv("conv2a", x, 128), 2);
  x = pool("pool3", conv("conv3b", conv("conv3a", x, 256), 256), 2);
  x = pool("pool4", conv("conv4b", conv("conv4a", x, 512), 512), 2);
  x = pool("pool5", conv("conv5b", conv("conv5a", x, 512), 512), 2,
           Padding{{0, 1, 1}, {0, 1, 1}});
  x = b.Flatten("flatten", x);
  x = b.Relu("fc6_relu", b.FullyConnected("fc6", x, 4096));
  x = b.Relu("fc7_relu", b.FullyConnected("fc7", x, 4096));
  return b.Finish({b.Softmax("prob", b.FullyConnected("fc8", x, 487))});
}

}  // namespace edgebench::zoo
