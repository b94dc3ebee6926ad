// AlexNet as defined by torchvision (the single-tower "one weird trick" variant of
// Krizhevsky 2014), the definition most code uses today.
#include "zoo/families.h"
#include "zoo/graph_builder.h"

namespace edgebench::zoo {

ir::Graph BuildAlexNet(const ir::Shape& input) {
  GraphBuilder b("alexnet", input);
  ValueId x = b.Relu("conv1_relu", b.Conv2d("conv1", b.input(), 64, 11, 4, 2));
  x = b.MaxPool("pool1", x, {3, 3}, {2, 2});
  x = b.Relu("conv2_relu", b.Conv2d("conv2", x, 192, 5, 1, 2));
  x = b.MaxPool("pool2", x, {3, 3}, {2, 2});
  x = b.Relu("conv3_relu", b.Conv2d("conv3", x, 384, 3, 1, 1));
  x = b.Relu("conv4_relu", b.Conv2d("conv4", x, 256, 3, 1, 1));
  x = b.Relu("conv5_relu", b.Conv2d("conv5", x, 256, 3, 1, 1));
  x = b.Flatten("flatten", b.MaxPool("pool5", x, {3, 3}, {2, 2}));
  x = b.Relu("fc6_relu", b.FullyConnected("fc6", x, 4096));
  x = b.Relu("fc7_relu", b.FullyConnected("fc7", x, 4096));
  return b.Finish({b.Softmax("prob", b.FullyConnected("fc8", x, 1000))});
}

}  // namespace edgebench::zoo
