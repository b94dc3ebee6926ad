#include "backends/registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "zoo/model_zoo.h"

namespace edgebench::backends {
namespace {

// The directory holding libedgebench_test_plugin.so, passed by CMake.
const std::string kPluginDir = EDGEBENCH_TEST_PLUGIN_DIR;

TEST(RegistryTest, BuiltinReferenceIsAlwaysAvailable) {
  BackendRegistry registry = DefaultRegistry("/nonexistent");
  std::string error;
  BackendHandle reference = registry.Create("reference", error);
  ASSERT_NE(reference, nullptr) << error;
  EXPECT_EQ(reference->Id(), "reference");
  bool listed = false;
  for (const BackendInfo& info : registry.List()) {
    if (info.id == "reference") listed = info.available && info.origin == "built-in";
  }
  EXPECT_TRUE(listed);
}

TEST(RegistryTest, MissingPluginIsOneNotAvailableLine) {
  BackendRegistry registry = DefaultRegistry("/nonexistent");
  for (const BackendInfo& info : registry.List()) {
    if (info.id == "reference") continue;
    EXPECT_FALSE(info.available) << info.id;
    EXPECT_NE(info.reason.find("not found"), std::string::npos) << info.reason;
  }
  std::string error;
  EXPECT_EQ(registry.Create("nope", error), nullptr);
  EXPECT_NE(error.find("unknown backend"), std::string::npos);
}

TEST(RegistryTest, LoadsARealPluginWithDlopen) {
  BackendRegistry registry(kPluginDir);
  registry.DeclarePlugin("test-plugin", "test", "libedgebench_test_plugin.so");
  registry.DeclarePlugin("test-plugin-gpu", "test", "libedgebench_test_plugin.so");
  std::string error;
  BackendHandle backend = registry.Create("test-plugin", error);
  ASSERT_NE(backend, nullptr) << error;
  EXPECT_EQ(backend->Version(), "test-plugin 1.0");
  // The plugin's own support answer reaches the caller.
  ir::Graph cifarnet = zoo::BuildModel("cifarnet");
  Support support = CheckGraphSupport(*backend, cifarnet);
  EXPECT_FALSE(support.supported);
  EXPECT_NE(support.reason.find("no LRN"), std::string::npos) << support.reason;
  EXPECT_TRUE(CheckGraphSupport(*backend, zoo::BuildModel("resnet-18")).supported);
  // A plugin may decline an id with a reason.
  EXPECT_EQ(registry.Create("test-plugin-gpu", error), nullptr);
  EXPECT_NE(error.find("no device"), std::string::npos) << error;
}

TEST(RegistryTest, ForeignLibrariesAreRefusedWithAReason) {
  const auto dir = std::filesystem::path(testing::TempDir()) / "edgebench-registry-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "libgarbage.so") << "not an ELF file";
  BackendRegistry registry(dir.string());
  registry.DeclarePlugin("garbage", "test", "libgarbage.so");
  std::string error;
  EXPECT_EQ(registry.Create("garbage", error), nullptr);
  EXPECT_NE(error.find("cannot load"), std::string::npos) << error;
}

}  // namespace
}  // namespace edgebench::backends
