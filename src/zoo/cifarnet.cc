// CifarNet as defined in TF-slim (nets/cifarnet.py): two 5x5 conv + pool + LRN stages
// and three fully connected layers, 10 classes. The study's parameter count matches the
// same network with unpadded ("VALID") convolutions, offered as cifarnet-valid.
#include <string>

#include "zoo/families.h"
#include "zoo/graph_builder.h"

namespace edgebench::zoo {
namespace {

ir::Graph BuildCifarNetWith(const std::string& name, const ir::Shape& input,
                            bool same_conv_padding) {
  GraphBuilder b(name, input);
  auto conv = [&](const std::string& conv_name, ValueId x) {
    Padding padding = same_conv_padding ? Same(b.shape(x), {5, 5}, {1, 1}) : Padding{};
    ValueId y = b.Conv(conv_name, x, {.out_channels = 64, .kernel = {5, 5}, .padding = padding});
    return b.Relu(conv_name + "_relu", y);
  };
  auto pool = [&b](const std::string& pool_name, ValueId x) {
    return b.MaxPool(pool_name, x, {3, 3}, {2, 2}, Same(b.shape(x), {3, 3}, {2, 2}));
  };
  // tf.nn.lrn(depth_radius=4, bias=1, alpha=0.001/9, beta=0.75) sums over 9 channels
  // and scales by alpha; our LRN divides alpha by the window size, hence 0.001.
  auto lrn = [&b](const std::string& lrn_name, ValueId x) {
    return b.Lrn(lrn_name, x, 9, 0.001f, 0.75f, 1.0f);
  };
  ValueId x = lrn("norm1", pool("pool1", conv("conv1", b.input())));
  x = pool("pool2", lrn("norm2", conv("conv2", x)));
  x = b.Flatten("flatten", x);
  x = b.Relu("fc3_relu", b.FullyConnected("fc3", x, 384));
  x = b.Relu("fc4_relu", b.FullyConnected("fc4", x, 192));
  return b.Finish({b.Softmax("prob", b.FullyConnected("logits", x, 10))});
}

}  // namespace

ir::Graph BuildCifarNet(const ir::Shape& input) {
  return BuildCifarNetWith("cifarnet", input, /*same_conv_padding=*/true);
}

ir::Graph BuildCifarNetValidConv(const ir::Shape& input) {
  return BuildCifarNetWith("cifarnet-valid", input, /*same_conv_padding=*/false);
}

}  // namespace edgebench::zoo
