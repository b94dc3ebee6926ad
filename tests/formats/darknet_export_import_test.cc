// What the Darknet writer makes of the importer's translations: [shortcut] between
// shapes, [crop], [yolo] and [region] come back as those sections (the runs on libdarknet
// are in darknet_cfg_test), and a strided copy read by anything but an add is refused.
#include <gtest/gtest.h>

#include <string>

#include "formats/darknet_export.h"
#include "formats/darknet_import.h"
#include "zoo/graph_builder.h"
#include "zoo/seeded_weights.h"

namespace edgebench::formats {
namespace {

std::string ExportedCfg(const std::string& cfg) {
  ir::Graph graph = ImportDarknetCfg(cfg, "t.cfg");
  zoo::MaterializeWeights(graph);
  return ExportDarknet(graph).cfg;
}

// The text of the exported section starting at the n-th occurrence of `header`.
std::string Section(const std::string& cfg, const std::string& header, int n = 0) {
  size_t at = cfg.find(header);
  for (int i = 0; i < n && at != std::string::npos; ++i) at = cfg.find(header, at + 1);
  if (at == std::string::npos) return "";
  const size_t end = cfg.find("\n[", at + 1);
  return cfg.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

TEST(DarknetExportOfImports, WritesShortcutsBetweenShapesBack) {
  const std::string cfg = ExportedCfg(
      "[net]\nwidth=8\nheight=8\nchannels=3\n"
      "[convolutional]\nfilters=4\nsize=1\nactivation=leaky\n"                  // 0: 4x8x8
      "[convolutional]\nfilters=8\nsize=3\nstride=2\npad=1\nactivation=relu\n"  // 1: 8x4x4
      "[shortcut]\nfrom=0\nactivation=linear\n"                                 // strided, filled
      "[convolutional]\nfilters=2\nsize=1\nactivation=linear\n"                 // 3: 2x4x4
      "[shortcut]\nfrom=1\nactivation=leaky\n");                                // channels cut
  EXPECT_NE(Section(cfg, "[shortcut]").find("from=0"), std::string::npos) << cfg;
  EXPECT_NE(Section(cfg, "[shortcut]", 1).find("from=1"), std::string::npos) << cfg;
  EXPECT_NE(Section(cfg, "[shortcut]", 1).find("activation=leaky"), std::string::npos) << cfg;
}

TEST(DarknetExportOfImports, WritesCropBackWithOrWithoutItsRescale) {
  const std::string net = "[net]\nwidth=10\nheight=10\nchannels=3\n";
  const std::string conv = "[convolutional]\nfilters=2\nsize=1\nactivation=linear\n";
  const std::string adjusted = ExportedCfg(net + "[crop]\ncrop_width=6\ncrop_height=6\n" + conv);
  EXPECT_NE(Section(adjusted, "[crop]").find("crop_height=6"), std::string::npos) << adjusted;
  EXPECT_EQ(Section(adjusted, "[crop]").find("noadjust"), std::string::npos) << adjusted;
  const std::string plain =
      ExportedCfg(net + "[crop]\ncrop_width=6\ncrop_height=4\nnoadjust=1\n" + conv);
  EXPECT_NE(Section(plain, "[crop]").find("noadjust=1"), std::string::npos) << plain;
  EXPECT_NE(Section(plain, "[crop]").find("crop_height=4"), std::string::npos) << plain;
}

TEST(DarknetExportOfImports, WritesYoloAndRegionHeadsBack) {
  const std::string net = "[net]\nwidth=8\nheight=8\nchannels=3\n";
  const std::string yolo = ExportedCfg(net +
                                       "[convolutional]\nfilters=24\nsize=1\nactivation=linear\n"
                                       "[yolo]\nmask=0,1\nanchors=1,2,3,4,5,6\nclasses=7\nnum=3\n");
  EXPECT_NE(Section(yolo, "[yolo]").find("classes=7"), std::string::npos) << yolo;
  EXPECT_NE(Section(yolo, "[yolo]").find("num=2"), std::string::npos) << yolo;
  const std::string region = ExportedCfg(net +
                                         "[convolutional]\nfilters=30\nsize=1\nactivation=linear\n"
                                         "[region]\ncoords=4\nclasses=5\nnum=3\nsoftmax=1\n");
  const std::string section = Section(region, "[region]");
  for (const char* key : {"coords=4", "classes=5", "num=3", "softmax=1"}) {
    EXPECT_NE(section.find(key), std::string::npos) << key << "\n" << region;
  }
}

TEST(DarknetExportOfImports, RefusesAStridedSliceReadByAnythingButAnAdd) {
  zoo::GraphBuilder b("strided", {1, 2, 8, 8});
  const ir::ValueId conv = b.Conv2d("conv", b.input(), 2, 1, 1, 0);
  const ir::ValueId sliced = b.Op(
      "every_other", ir::OpKind::kSlice,
      ir::SliceAttrs{.starts = {0, 0}, .ends = {8, 8}, .axes = {2, 3}, .steps = {2, 2}}, {conv});
  ir::Graph graph = b.Finish({b.Relu("relu", sliced)});
  zoo::MaterializeWeights(graph);
  try {
    ExportDarknet(graph);
    FAIL() << "a strided slice alone was written";
  } catch (const UnsupportedModelError& error) {
    EXPECT_NE(std::string(error.what()).find("only inside [shortcut]"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace edgebench::formats
