// VGG-S ("CNN-S", Chatfield et al. 2014, "Return of the Devil in the Details") as in the
// released Caffe model (VGG_CNN_S): conv2 unpadded, and pools round up as Caffe's do
// (ceil mode), which is also what lets the same network run on 32x32 inputs.
#include "zoo/families.h"
#include "zoo/graph_builder.h"

namespace edgebench::zoo {

ir::Graph BuildVggS(const ir::Shape& input) {
  GraphBuilder b("vgg-s", input);
  ValueId x = b.Relu("conv1_relu", b.Conv2d("conv1", b.input(), 96, 7, 2, 0));
  x = b.Lrn("norm1", x, 5, 0.0005f, 0.75f, 2.0f);
  x = b.MaxPool("pool1", x, {3, 3}, {3, 3}, {}, /*ceil_mode=*/true);
  x = b.Relu("conv2_relu", b.Conv2d("conv2", x, 256, 5, 1, 0));
  x = b.MaxPool("pool2", x, {2, 2}, {2, 2}, {}, /*ceil_mode=*/true);
  x = b.Relu("conv3_relu", b.Conv2d("conv3", x, 512, 3, 1, 1));
  x = b.Relu("conv4_relu", b.Conv2d("conv4", x, 512, 3, 1, 1));
  x = b.Relu("conv5_relu", b.Conv2d("conv5", x, 512, 3, 1, 1));
  x = b.Flatten("flatten", b.MaxPool("pool5", x, {3, 3}, {3, 3}, {}, /*ceil_mode=*/true));
  x = b.Relu("fc6_relu", b.FullyConnected("fc6", x, 4096));
  x = b.Relu("fc7_relu", b.FullyConnected("fc7", x, 4096));
  return b.Finish({b.Softmax("prob", b.FullyConnected("fc8", x, 1000))});
}

}  // namespace edgebench::zoo
