// The original op set's constructs: convolution and pooling on every padding path,
// normalization, activations, concat, reshape and upsampling, including the attribute
// variants where frameworks have their own rules (padding, ceil mode, 3-D,
// count_include_pad, LRN conventions, upsampling, softmax axes).
#include <fmt/format.h>

#include <iterator>

#include "op_constructs.h"

namespace edgebench::backends::constructs {

std::vector<Construct> ClassicOps() {
  using ir::ValueId;
  using zoo::GraphBuilder;
  using zoo::Padding;
  const ir::Shape k2d{1, 8, 14, 14};
  const ir::Shape k3d{1, 4, 6, 10, 10};
  std::vector<Construct> constructs = {
      {"conv_3x3_pad1", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Conv2d("conv", x, 16, 3, 1, 1); }},
      {"conv_same_asymmetric", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Conv("conv", x,
                       {.out_channels = 16,
                        .kernel = {3, 3},
                        .strides = {2, 2},
                        .padding = Padding{{0, 0}, {1, 1}}});
       }},
      {"conv_dilated_nobias", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Conv("conv", x,
                       {.out_channels = 8,
                        .kernel = {3, 3},
                        .padding = Padding{{2, 2}, {2, 2}},
                        .dilations = {2, 2},
                        .bias = false});
       }},
      {"conv_depthwise", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Conv2d("conv", x, 8, 3, 2, 1, true, 8); }},
      {"conv_grouped", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Conv2d("conv", x, 16, 3, 1, 1, true, 2); }},
      {"conv3d", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.Conv("conv", x,
                       {.out_channels = 8, .kernel = {3, 3, 3}, .padding = zoo::Symmetric(1, 3)});
       }},
      {"batch_norm_relu", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Relu("relu", b.BatchNorm("bn", x)); }},
      {"relu6", k2d, [](GraphBuilder& b, ValueId x) { return b.Relu6("relu6", x); }},
      {"leaky_relu", k2d, [](GraphBuilder& b, ValueId x) { return b.LeakyRelu("lrelu", x, 0.1f); }},
      {"sigmoid", k2d, [](GraphBuilder& b, ValueId x) { return b.Sigmoid("sigmoid", x); }},
      {"softmax_4d_axis1", k2d, [](GraphBuilder& b, ValueId x) { return b.Softmax("sm", x); }},
      {"max_pool_2x2", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2}, {2, 2});
       }},
      {"max_pool_ceil_overhang", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {3, 3}, {2, 2}, {}, /*ceil_mode=*/true);
       }},
      {"max_pool_same_asymmetric", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {3, 3}, {2, 2}, Padding{{0, 0}, {1, 1}});
       }},
      {"avg_pool_pad_exclude", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3}, {1, 1}, zoo::Symmetric(1));
       }},
      {"avg_pool_pad_include", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3}, {1, 1}, zoo::Symmetric(1), false, true);
       }},
      {"avg_pool_asymmetric_exclude", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3}, {2, 2}, Padding{{0, 0}, {1, 1}});
       }},
      {"avg_pool_ceil_overhang", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3}, {2, 2}, {}, /*ceil_mode=*/true);
       }},
      {"global_avg_pool", k2d,
       [](GraphBuilder& b, ValueId x) { return b.GlobalAvgPool("gap", x); }},
      {"max_pool3d", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2, 2}, {2, 2, 2});
       }},
      {"max_pool3d_ceil", ir::Shape{1, 4, 5, 9, 9},
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2, 2}, {2, 2, 2}, {}, /*ceil_mode=*/true);
       }},
      {"max_pool3d_padded_ceil", ir::Shape{1, 4, 2, 7, 7},
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2, 2}, {2, 2, 2}, Padding{{0, 1, 1}, {0, 1, 1}}, true);
       }},
      {"avg_pool3d", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {2, 2, 2}, {2, 2, 2});
       }},
      {"global_avg_pool3d", k3d,
       [](GraphBuilder& b, ValueId x) { return b.GlobalAvgPool("gap", x); }},
      {"lrn_5", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Lrn("lrn", x, 5, 0.0005f, 0.75f, 2.0f); }},
      {"lrn_9", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Lrn("lrn", x, 9, 0.001f, 0.75f, 1.0f); }},
      {"upsample_nearest_2x", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Upsample("up", x, {2, 2});
       }},
      {"upsample_nearest_2x3", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Upsample("up", x, {2, 3});
       }},
      {"concat_channels", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Concat("cat", {b.Relu("a", x), b.Sigmoid("b", x)});
       }},
      {"add", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Add("add", b.Relu("a", x), b.Sigmoid("b", x)); }},
      {"flatten_fc_softmax", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Softmax("sm", b.FullyConnected("fc", b.Flatten("flat", x), 10));
       }},
      {"fc_nobias", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.FullyConnected("fc", b.Flatten("flat", x), 10, /*bias=*/false);
       }},
      {"reshape", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Reshape("reshape", x, {0, 2, -1, 14});
       }},
      {"flatten_3d", k3d, [](GraphBuilder& b, ValueId x) { return b.Flatten("flat", x); }},
      {"conv3d_strided_asymmetric", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.Conv("conv", x,
                       {.out_channels = 8,
                        .kernel = {3, 3, 3},
                        .strides = {1, 2, 2},
                        .padding = Padding{{1, 0, 0}, {1, 1, 1}}});
       }},
      {"max_pool_ceil_drops_window", ir::Shape{1, 4, 5, 5},
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2}, {2, 2}, zoo::Symmetric(1), /*ceil_mode=*/true);
       }},
      {"avg_pool_ceil_drops_window", ir::Shape{1, 4, 5, 5},
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {2, 2}, {2, 2}, zoo::Symmetric(1), /*ceil_mode=*/true);
       }},
      {"avg_pool_padded_ceil_exclude", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3}, {2, 2}, zoo::Symmetric(1), /*ceil_mode=*/true);
       }},
      {"max_pool_kernel_over_input", ir::Shape{1, 4, 1, 1},
       [](GraphBuilder& b, ValueId x) {
         return b.MaxPool("pool", x, {2, 2}, {2, 2}, {}, /*ceil_mode=*/true);
       }},
      {"avg_pool3d_padded_exclude", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.AvgPool("pool", x, {3, 3, 3}, {1, 2, 2}, zoo::Symmetric(1, 3));
       }},
      {"upsample3d", ir::Shape{1, 2, 3, 4, 4},
       [](GraphBuilder& b, ValueId x) {
         return b.Upsample("up", x, {1, 2, 2});
       }},
      {"softmax_4d_last_axis", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Softmax("sm", x, -1); }},
      {"flatten_axis2", k2d, [](GraphBuilder& b, ValueId x) { return b.Flatten("flat", x, 2); }},
      {"concat_axis2", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Concat("cat", {b.Relu("a", x), b.Sigmoid("b", x)}, 2);
       }},
      {"batch2_conv_fc", ir::Shape{2, 3, 9, 9},
       [](GraphBuilder& b, ValueId x) {
         return b.FullyConnected("fc", b.Flatten("flat", b.Conv2d("conv", x, 4, 3, 2, 1)), 5);
       }},
      {"batch_norm3d_relu", k3d,
       [](GraphBuilder& b, ValueId x) { return b.Relu("relu", b.BatchNorm("bn", x)); }},
      {"lrn3d", k3d,
       [](GraphBuilder& b, ValueId x) { return b.Lrn("lrn", x, 3, 0.0005f, 0.75f, 2.0f); }},
      {"add3d_sigmoid_leaky", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.Add("add", b.Sigmoid("a", x), b.LeakyRelu("b", x, 0.2f));
       }},
      {"softmax3d_axis1", k3d, [](GraphBuilder& b, ValueId x) { return b.Softmax("sm", x); }},
      {"concat3d", k3d,
       [](GraphBuilder& b, ValueId x) {
         return b.Concat("cat", {b.Relu("a", x), x});
       }},
      {"concat_last_axis", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Concat("cat", {b.Relu("a", x), x}, -1);
       }},
      {"reshape_to_3d_softmax", k2d,
       [](GraphBuilder& b, ValueId x) {
         return b.Softmax("sm", b.Reshape("reshape", x, {1, 8, -1}), 2);
       }},
      {"relu_on_input", k2d,
       [](GraphBuilder& b, ValueId x) { return b.Conv2d("conv", b.Relu("relu", x), 4, 1); }},
  };
  // Pooling on every lowering path: native symmetric padding, ceil-mode windows hanging
  // over the input and the end padding, asymmetric padding, padding above kernel / 2,
  // and a ceil-mode window the IR drops because it would start inside the end padding.
  struct PoolCase {
    ir::Shape input;
    std::vector<int64_t> kernel, strides, begin, end;
    bool ceil_mode;
  };
  const PoolCase pool_cases[] = {
      {{1, 3, 7, 9}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, true},
      {{1, 2, 7, 7}, {3, 3}, {2, 2}, {1, 0}, {0, 1}, true},
      {{1, 3, 9, 9}, {2, 2}, {2, 2}, {0, 0}, {0, 0}, true},
      {{1, 3, 10, 7}, {3, 3}, {2, 2}, {0, 1}, {1, 1}, false},
      {{1, 2, 4, 4}, {3, 3}, {2, 2}, {0, 0}, {2, 2}, true},
      {{1, 2, 8, 8}, {3, 3}, {1, 1}, {2, 2}, {2, 2}, false},
      {{1, 2, 11, 6}, {5, 2}, {3, 1}, {2, 1}, {4, 0}, true},
      {{1, 2, 5, 7, 6}, {2, 3, 3}, {2, 2, 2}, {0, 1, 0}, {1, 1, 2}, true},
  };
  for (size_t i = 0; i < std::size(pool_cases); ++i) {
    const PoolCase c = pool_cases[i];
    for (int kind = 0; kind < 3; ++kind) {
      const char* names[] = {"max", "avg_exclude_pad", "avg_include_pad"};
      constructs.push_back(
          {fmt::format("pool{}_{}", i, names[kind]), c.input,
           [c, kind](GraphBuilder& b, ValueId x) {
             const Padding padding{c.begin, c.end};
             if (kind == 0) return b.MaxPool("pool", x, c.kernel, c.strides, padding, c.ceil_mode);
             return b.AvgPool("pool", x, c.kernel, c.strides, padding, c.ceil_mode, kind == 2);
           }});
    }
  }
  for (int64_t size : {1, 3, 5}) {
    // A large alpha makes the window's extent and the alpha / size convention visible.
    constructs.push_back(
        {fmt::format("lrn_size{}_large_alpha", size), ir::Shape{1, 7, 5, 6},
         [size](GraphBuilder& b, ValueId x) { return b.Lrn("lrn", x, size, 2.0f, 0.75f, 1.5f); }});
  }
  constructs.push_back({"upsample_5x7", ir::Shape{1, 2, 13, 13}, [](GraphBuilder& b, ValueId x) {
                          return b.Upsample("up", x, {5, 7});
                        }});
  for (int64_t axis : {2, 3}) {
    constructs.push_back({fmt::format("softmax_axis{}", axis), ir::Shape{2, 5, 3, 4},
                          [axis](GraphBuilder& b, ValueId x) { return b.Softmax("sm", x, axis); }});
  }
  return constructs;
}

}  // namespace edgebench::backends::constructs
