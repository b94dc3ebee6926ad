// Darknet cfg parsing and import: layer semantics against independent computations,
// and hostile cfgs refused with the line at fault.
#include "formats/darknet_import.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "backends/reference/reference_backend.h"
#include "formats/darknet_cfg.h"
#include "formats/onnx.h"
#include "ir/cost.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {
namespace {

std::vector<float> RunOnce(const ir::Graph& graph, const std::vector<float>& input) {
  std::vector<backends::HostTensor> outputs;
  backends::Status status = backends::reference::RunReference(
      graph, {backends::HostTensor(graph.value(graph.inputs()[0]).shape, input)}, outputs);
  EXPECT_TRUE(status.ok) << status.message;
  return outputs.empty() ? std::vector<float>{} : outputs[0].data;
}

// RunOnce on a graph whose (seeded or constant) weights are materialized first.
std::vector<float> RunMaterialized(ir::Graph graph, const std::vector<float>& input) {
  zoo::MaterializeWeights(graph);
  return RunOnce(graph, input);
}

std::string ErrorOf(const std::string& cfg) {
  try {
    ImportDarknetCfg(cfg, "t.cfg");
  } catch (const FormatError& error) {
    return error.what();
  }
  return "";
}

TEST(DarknetCfg, ParsesSectionsLikeDarknet) {
  auto sections = ParseDarknetCfg("# c\n[net]\n width = 4\n;x\n\n[conv olutional]\nsize=3\n", "f");
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[1].type(), "convolutional");  // Darknet drops all whitespace
  EXPECT_EQ(sections[0].Int("width", 0), 4);
  EXPECT_EQ(sections[1].line(), 6);
  EXPECT_EQ(sections[1].Int("size", 0), 3);
  EXPECT_THROW(static_cast<void>(sections[1].RequiredInt("filters")), FormatError);
}

TEST(DarknetCfg, RefusesMalformedLinesWithTheirNumber) {
  EXPECT_NE(ErrorOf("[net]\nwidth=1\nnonsense\n").find("t.cfg:3"), std::string::npos);
  EXPECT_NE(ErrorOf("size=1\n[net]\n").find("t.cfg:1"), std::string::npos);
  EXPECT_NE(ErrorOf("[net]\n[conv\n").find("t.cfg:2"), std::string::npos);
  EXPECT_NE(ErrorOf(std::string("[net]\nwidth=1\0", 15)).find("NUL"), std::string::npos);
}

constexpr char kNet[] = "[net]\nwidth=4\nheight=4\nchannels=2\n";

TEST(DarknetImport, RefusesHostileLayersNamingTheLine) {
  const std::string net = kNet;
  EXPECT_NE(ErrorOf(net + "[bogus]\n").find("t.cfg:5: [bogus] (layer 0): unknown"),
            std::string::npos);
  EXPECT_NE(ErrorOf(net + "[convolutional]\nsize=abc\n").find("t.cfg:6"), std::string::npos);
  EXPECT_NE(ErrorOf(net + "[convolutional]\nsize=-3\n").find("layer 0"), std::string::npos);
  EXPECT_NE(ErrorOf(net + "[convolutional]\nfilters=1099511627776\n").find("limit"),
            std::string::npos);
  EXPECT_NE(ErrorOf(net + "[upsample]\nstride=100000\n[upsample]\nstride=100000\n").find("limit"),
            std::string::npos);
  EXPECT_NE(ErrorOf(net + "[yolo]\nnum=1099511627776\nclasses=1099511627776\n").find("channels"),
            std::string::npos);
  EXPECT_NE(ErrorOf(net + "[region]\nnum=1099511627776\nclasses=1099511627776\n").find("channels"),
            std::string::npos);
  EXPECT_NE(ErrorOf(net + "[maxpool]\nsize=549755813888\nstride=549755813888\n"
                          "padding=1099511627774\n")
                .find("limit"),
            std::string::npos);
  EXPECT_NE(ErrorOf(net + "[route]\nlayers=0\n").find("itself"), std::string::npos);
  EXPECT_NE(ErrorOf(net + "[maxpool]\n[route]\nlayers=2\n").find("later"), std::string::npos);
  EXPECT_NE(ErrorOf(net + "[route]\nlayers=-5\n").find("out of range"), std::string::npos);
  EXPECT_NE(ErrorOf(net + "[route]\n").find("missing required key 'layers'"), std::string::npos);
  EXPECT_NE(ErrorOf(net + "[shortcut]\nfrom=-1\n").find("not an earlier layer"), std::string::npos);
  EXPECT_NE(ErrorOf("[net]\nwidth=0\n").find("positive"), std::string::npos);
  EXPECT_NE(ErrorOf("[convolutional]\n").find("[net]"), std::string::npos);
  EXPECT_NE(ErrorOf(net).find("no layers"), std::string::npos);
  EXPECT_NE(ErrorOf(net + "[cost]\n").find("no layers"), std::string::npos);
  EXPECT_NE(ErrorOf(net + "[dropout]\n").find("no layers"), std::string::npos);
  EXPECT_NE(ErrorOf(net + "[convolutional]\nsize=9\n").find("does not fit"), std::string::npos);
}

TEST(DarknetImport, RefusesUnsupportedLayersAsUnsupported) {
  const std::string net = kNet;
  for (const char* layer :
       {"[lstm]\n", "[rnn]\n", "[local]\n", "[deconvolutional]\n",
        "[convolutional]\nactivation=stair\n", "[convolutional]\nactivation=magic\n",
        "[upsample]\nstride=-2\n", "[convolutional]\nbinary=1\n", "[region]\ntree=x\n",
        "[normalization]\n"}) {
    EXPECT_THROW(ImportDarknetCfg(net + layer, "t.cfg"), UnsupportedModelError) << layer;
  }
  // Darknet adds a smaller layer into every n-th position of a larger one only.
  const std::string upward = net +
                             "[maxpool]\nsize=1\nstride=1\n[maxpool]\nsize=2\nstride=2\n"
                             "[upsample]\nstride=4\n[shortcut]\nfrom=-2\n";
  EXPECT_THROW(ImportDarknetCfg(upward, "t.cfg"), UnsupportedModelError);
}

// Darknet's shortcut_cpu between shapes: the `from` layer sampled every stride-th
// position, its first min(c1, c2) channels added, the previous layer's others kept.
TEST(DarknetImport, ShortcutBetweenShapesSamplesAndCutsLikeDarknet) {
  const std::string net = "[net]\nwidth=4\nheight=4\nchannels=2\n";
  std::vector<float> input(32);
  for (int i = 0; i < 32; ++i) input[i] = static_cast<float>(i * i % 7) - 3.0f;
  auto at = [&](int c, int y, int x) { return input[(c * 4 + y) * 4 + x]; };

  // 2x4x4 into 2x2x2 (a 2x2 max pool of it): stride 2.
  const std::string strided = net +
                              "[maxpool]\nsize=1\nstride=1\n[maxpool]\nsize=2\nstride=2\n"
                              "[shortcut]\nfrom=0\n";
  std::vector<float> out = RunMaterialized(ImportDarknetCfg(strided, "t.cfg"), input);
  ASSERT_EQ(out.size(), 8u);
  for (int c = 0; c < 2; ++c) {
    for (int y = 0; y < 2; ++y) {
      for (int x = 0; x < 2; ++x) {
        const float pooled =
            std::max(std::max(at(c, 2 * y, 2 * x), at(c, 2 * y, 2 * x + 1)),
                     std::max(at(c, 2 * y + 1, 2 * x), at(c, 2 * y + 1, 2 * x + 1)));
        EXPECT_EQ(out[(c * 2 + y) * 2 + x], pooled + at(c, 2 * y, 2 * x)) << c << y << x;
      }
    }
  }

  // 2 channels into 4 (the input routed twice): only the first two get the sum.
  const std::string widened = net +
                              "[maxpool]\nsize=1\nstride=1\n[route]\nlayers=0,0\n"
                              "[shortcut]\nfrom=0\n";
  out = RunMaterialized(ImportDarknetCfg(widened, "t.cfg"), input);
  ASSERT_EQ(out.size(), 64u);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(out[i], 2 * input[i]) << i;
  for (int i = 32; i < 64; ++i) EXPECT_EQ(out[i], input[i - 32]) << i;

  // 4 channels into 2: the first two of the four are added.
  const std::string cut = net +
                          "[maxpool]\nsize=1\nstride=1\n[route]\nlayers=0,0\n"
                          "[route]\nlayers=0\n[shortcut]\nfrom=1\n";
  out = RunMaterialized(ImportDarknetCfg(cut, "t.cfg"), input);
  ASSERT_EQ(out.size(), 32u);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(out[i], 2 * input[i]) << i;
}

// Outside training Darknet's crop takes the centred window and maps x to 2x - 1.
TEST(DarknetImport, CropIsTheCentredWindowRescaled) {
  const std::string net = "[net]\nwidth=5\nheight=4\nchannels=1\n";
  std::vector<float> input(20);
  for (int i = 0; i < 20; ++i) input[i] = 0.25f * static_cast<float>(i);
  const std::string crop = "[crop]\ncrop_height=2\ncrop_width=2\nflip=1\nangle=7\n";
  std::vector<float> out = RunMaterialized(ImportDarknetCfg(net + crop, "t.cfg"), input);
  // Rows (4 - 2) / 2 = 1.., columns (5 - 2) / 2 = 1..
  const std::vector<float> window{input[6], input[7], input[11], input[12]};
  ASSERT_EQ(out.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], 2 * window[i] - 1) << i;
  out = RunMaterialized(ImportDarknetCfg(net + crop + "noadjust=1\n", "t.cfg"), input);
  EXPECT_EQ(out, window);
  EXPECT_THROW(ImportDarknetCfg(net + "[crop]\ncrop_height=5\ncrop_width=2\n", "t.cfg"),
               FormatError);
}

// YOLOv1's [detection] at inference: the input, with each cell's class scores (first,
// `classes` per cell) normalized when softmax=1.
TEST(DarknetImport, DetectionNormalizesEachCellsClassScores) {
  // side 2, classes 2, coords 1, num 1: 4 cells x (2 + 2) = 16 inputs.
  const std::string net = "[net]\nwidth=1\nheight=1\nchannels=16\n";
  const std::string layer = "[detection]\nside=2\nclasses=2\ncoords=1\nnum=1\n";
  std::vector<float> input(16);
  for (int i = 0; i < 16; ++i) input[i] = 0.3f * static_cast<float>(i % 5) - 0.4f;
  EXPECT_EQ(RunMaterialized(ImportDarknetCfg(net + layer + "softmax=0\n", "t.cfg"), input), input);
  const std::vector<float> out =
      RunMaterialized(ImportDarknetCfg(net + layer + "softmax=1\n", "t.cfg"), input);
  ASSERT_EQ(out.size(), 16u);
  for (int cell = 0; cell < 4; ++cell) {
    const double a = std::exp(double(input[2 * cell]));
    const double b = std::exp(double(input[2 * cell + 1]));
    EXPECT_NEAR(out[2 * cell], a / (a + b), 1e-6) << cell;
    EXPECT_NEAR(out[2 * cell + 1], b / (a + b), 1e-6) << cell;
  }
  for (int i = 8; i < 16; ++i) EXPECT_EQ(out[i], input[i]) << i;
  EXPECT_THROW(ImportDarknetCfg(net + "[detection]\nside=3\nclasses=2\n", "t.cfg"), FormatError);
}

// Darknet's maxpool: out = (w + padding - size) / stride + 1, windows from -padding/2.
TEST(DarknetImport, MaxPoolPaddingMatchesDarknet) {
  const std::string net = "[net]\nwidth=5\nheight=5\nchannels=1\n";
  ir::Graph same = ImportDarknetCfg(net + "[maxpool]\nsize=2\nstride=1\n", "t");
  EXPECT_EQ(same.value(same.outputs()[0]).shape, (ir::Shape{1, 1, 5, 5}));
  ir::Graph halved = ImportDarknetCfg(net + "[maxpool]\nsize=3\nstride=2\n", "t");
  EXPECT_EQ(halved.value(halved.outputs()[0]).shape, (ir::Shape{1, 1, 3, 3}));
  // Negative inputs: padded cells must not win (they would give 0).
  std::vector<float> input(25);
  for (int i = 0; i < 25; ++i) input[i] = -1.0f - static_cast<float>(i);
  std::vector<float> out = RunOnce(same, input);
  // Window at (4, 4) covers only (4, 4) itself; at (0, 0) the max of rows/cols 0..1.
  EXPECT_EQ(out[24], -25.0f);
  EXPECT_EQ(out[0], -1.0f);
}

// Darknet's reorg_cpu(x, w, h, c, batch, stride, forward = 0, out), as
// forward_reorg_layer calls it, written out independently.
std::vector<float> DarknetReorg(const std::vector<float>& x, int w, int h, int c, int stride) {
  std::vector<float> out(x.size());
  const int out_c = c / (stride * stride);
  for (int k = 0; k < c; ++k) {
    for (int j = 0; j < h; ++j) {
      for (int i = 0; i < w; ++i) {
        const int in_index = i + w * (j + h * k);
        const int c2 = k % out_c;
        const int offset = k / out_c;
        const int w2 = i * stride + offset % stride;
        const int h2 = j * stride + offset / stride;
        const int out_index = w2 + w * stride * (h2 + h * stride * c2);
        out[in_index] = x[out_index];
      }
    }
  }
  return out;
}

TEST(DarknetImport, ReorgMatchesDarknetsElementOrder) {
  ir::Graph graph =
      ImportDarknetCfg("[net]\nwidth=4\nheight=6\nchannels=8\n[reorg]\nstride=2\n", "t");
  EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{1, 32, 3, 2}));
  std::vector<float> input(8 * 6 * 4);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>(i);
  EXPECT_EQ(RunOnce(graph, input), DarknetReorg(input, 4, 6, 8, 2));
}

// A 1x1 convolution with weight 1 and bias 0 passes x through to the activation.
TEST(DarknetImport, ActivationsMatchDarknetFormulas) {
  auto darknet = [](const std::string& name, float x) -> double {
    if (name == "logistic") return 1 / (1 + std::exp(-x));
    if (name == "relu") return x * (x > 0);
    if (name == "relie") return x > 0 ? x : .01 * x;
    if (name == "linear") return x;
    if (name == "ramp") return x * (x > 0) + .1 * x;
    if (name == "tanh") return (std::exp(2 * x) - 1) / (std::exp(2 * x) + 1);
    if (name == "plse") return x < -4 ? .01 * (x + 4) : x > 4 ? .01 * (x - 4) + 1 : .125 * x + .5;
    if (name == "leaky") return x > 0 ? x : .1 * x;
    if (name == "elu") return (x >= 0) * x + (x < 0) * (std::exp(x) - 1);
    if (name == "selu")
      return (x >= 0) * 1.0507 * x + (x < 0) * 1.0507 * 1.6732 * (std::exp(x) - 1);
    if (name == "loggy") return 2. / (1. + std::exp(-x)) - 1;
    if (name == "hardtan") return x < -1 ? -1 : x > 1 ? 1 : x;
    if (name == "lhtan") return x < 0 ? .001 * x : x > 1 ? .001 * (x - 1) + 1 : x;
    return NAN;
  };
  std::vector<float> input;
  for (float x = -6.0f; x <= 6.0f; x += 0.25f) input.push_back(x);
  const std::string net =
      "[net]\nwidth=" + std::to_string(input.size()) + "\nheight=1\nchannels=1\n";
  for (const char* name : {"logistic", "relu", "relie", "linear", "ramp", "tanh", "plse", "leaky",
                           "elu", "selu", "loggy", "hardtan", "lhtan"}) {
    ir::Graph graph =
        ImportDarknetCfg(net + "[convolutional]\nfilters=1\nactivation=" + name + "\n", "t");
    zoo::MaterializeWeights(graph, 1);
    graph.mutable_value(graph.FindValue("layer0_conv.weight")).data = {1.0f};
    graph.mutable_value(graph.FindValue("layer0_conv.bias")).data = {0.0f};
    std::vector<float> out = RunOnce(graph, input);
    ASSERT_EQ(out.size(), input.size()) << name;
    for (size_t i = 0; i < input.size(); ++i) {
      EXPECT_NEAR(out[i], darknet(name, input[i]), 2e-6) << name << " at " << input[i];
    }
  }
}

TEST(DarknetImport, YoloHeadAppliesLogisticExceptToWidthAndHeight) {
  // 2 anchors x (1 class + 5) channels on a 1x2 grid.
  const std::string cfg =
      "[net]\nwidth=2\nheight=1\nchannels=12\n"
      "[yolo]\nmask=0,1\nnum=3\nclasses=1\n";
  ir::Graph graph = ImportDarknetCfg(cfg, "t");
  std::vector<float> input(24);
  for (size_t i = 0; i < input.size(); ++i) input[i] = 0.1f * static_cast<float>(i) - 1.0f;
  std::vector<float> out = RunOnce(graph, input);
  for (size_t i = 0; i < input.size(); ++i) {
    const size_t entry = (i / 2) % 6;  // channel within the anchor
    const float expected = (entry == 2 || entry == 3) ? input[i] : 1 / (1 + std::exp(-input[i]));
    EXPECT_NEAR(out[i], expected, 1e-6) << i;
  }
}

TEST(DarknetImport, RegionHeadSoftmaxesClassScores) {
  const std::string cfg =
      "[net]\nwidth=1\nheight=1\nchannels=8\n"
      "[region]\nnum=1\nclasses=3\ncoords=4\nsoftmax=1\n";
  ir::Graph graph = ImportDarknetCfg(cfg, "t");
  std::vector<float> input{0.5f, -0.5f, 2.0f, 3.0f, 0.0f, 1.0f, 2.0f, 3.0f};
  std::vector<float> out = RunOnce(graph, input);
  const double sum = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_NEAR(out[0], 1 / (1 + std::exp(-0.5)), 1e-6);
  EXPECT_NEAR(out[2], 2.0f, 1e-6);
  EXPECT_NEAR(out[4], 0.5f, 1e-6);
  EXPECT_NEAR(out[7], std::exp(3.0) / sum, 1e-6);
}

TEST(DarknetImport, RouteGroupsAndConnectedLayers) {
  const std::string cfg = std::string(kNet) +
                          "[maxpool]\nsize=1\nstride=1\n"
                          "[route]\nlayers=-1\ngroups=2\ngroup_id=1\n"  // channel 1 of 2
                          "[connected]\noutput=3\nactivation=linear\n"
                          "[softmax]\n";
  ir::Graph graph = ImportDarknetCfg(cfg, "t");
  EXPECT_EQ(graph.value(graph.outputs()[0]).shape, (ir::Shape{1, 3}));
  ir::GraphCost cost = ir::CountGraph(graph);
  EXPECT_EQ(cost.macs, 3 * 16);
}

TEST(DarknetImport, ModelRefsCarryTheWeightsPath) {
  EXPECT_TRUE(IsDarknetModelRef("a/yolo.cfg"));
  EXPECT_TRUE(IsDarknetModelRef("a/yolo.cfg?weights=b/yolo.weights"));
  EXPECT_FALSE(IsDarknetModelRef("yolov3"));
  EXPECT_FALSE(IsDarknetModelRef("x.onnx"));
  DarknetModelRef ref = ParseDarknetModelRef("a/yolo.cfg?weights=b/y.weights");
  EXPECT_EQ(ref.cfg, "a/yolo.cfg");
  EXPECT_EQ(ref.weights, "b/y.weights");
  EXPECT_EQ(DarknetModelRefString(ref), "a/yolo.cfg?weights=b/y.weights");
}

}  // namespace
}  // namespace edgebench::formats
