// A .weights file through edgebench and back: imported, exported as Darknet cfg +
// weights, imported again. Every weight must come back bit for bit, and the exported
// file must hold the original's floats in the original's order.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "darknet_test_files.h"
#include "formats/darknet_export.h"
#include "formats/darknet_import.h"
#include "formats/darknet_weights.h"

namespace edgebench::formats {
namespace {

namespace fs = std::filesystem;

class DarknetWeightsRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(DarknetWeightsRoundTrip, ImportExportImportIsBitIdentical) {
  const fs::path source = fs::path(DARKNET_CFG_DIR) / GetParam();
  if (!fs::exists(source)) GTEST_SKIP() << source << " absent (package darknet)";
  const fs::path dir = fs::temp_directory_path() /
                       ("darknet_roundtrip_" + std::to_string(::getpid()) + "_" + GetParam());
  fs::create_directories(dir);
  testing::WriteShrunkCfgWithWeights(source, dir);
  const std::string original = testing::ReadText(dir / "net.weights");
  const ir::Graph first = LoadDarknetModel((dir / "net.cfg").string(),
                                           (dir / "net.weights").string(), /*weight_seed=*/1);

  const DarknetModel exported = ExportDarknet(first);
  // Same header version (0.2: 20 bytes), and the same floats after it.
  ASSERT_EQ(exported.weights.size(), original.size());
  EXPECT_EQ(std::memcmp(exported.weights.data(), original.data(), 12), 0) << "header version";
  size_t differing = 0;
  for (size_t i = 20; i < original.size(); i += 4) {
    if (std::memcmp(exported.weights.data() + i, original.data() + i, 4) != 0) ++differing;
  }
  EXPECT_EQ(differing, 0u) << "floats differ of " << (original.size() - 20) / 4;

  testing::WriteBytes(dir / "again.cfg", exported.cfg);
  testing::WriteBytes(dir / "again.weights", exported.weights);
  const ir::Graph second = LoadDarknetModel((dir / "again.cfg").string(),
                                            (dir / "again.weights").string(), /*weight_seed=*/2);
  fs::remove_all(dir);
  // The exported cfg may add copies ([route], identity pools) but no weighted layer: the
  // constants, in order, are the same tensors.
  std::vector<const ir::Value*> a;
  std::vector<const ir::Value*> b;
  for (const ir::Value& v : first.values()) {
    if (v.kind == ir::ValueKind::kConstant && v.role != ir::WeightRole::kNone) a.push_back(&v);
  }
  for (const ir::Value& v : second.values()) {
    if (v.kind == ir::ValueKind::kConstant && v.role != ir::WeightRole::kNone) b.push_back(&v);
  }
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i]->shape, b[i]->shape) << a[i]->name;
    ASSERT_EQ(a[i]->data.size(), b[i]->data.size()) << a[i]->name;
    EXPECT_EQ(std::memcmp(a[i]->data.data(), b[i]->data.data(), a[i]->data.size() * 4), 0)
        << a[i]->name << " vs " << b[i]->name;
  }
}

INSTANTIATE_TEST_SUITE_P(DebianCfgs, DarknetWeightsRoundTrip,
                         ::testing::Values("yolov3-tiny.cfg", "alexnet.cfg", "resnet18.cfg"),
                         testing::CfgTestName());

}  // namespace
}  // namespace edgebench::formats
