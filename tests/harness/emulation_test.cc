#include "harness/emulation.h"

#include <gtest/gtest.h>

#include <string>

#include "harness/fixture_tree.h"

namespace edgebench::harness {
namespace {

using testing::FixtureTree;

// The other architecture than this test binary's, as the kernel would name it.
std::string ForeignKernelArch() {
  return CompiledArchitecture() == "aarch64" ? "x86_64" : "aarch64";
}

TEST(EmulationTest, RunnerDeclarationWins) {
  FixtureTree tree;
  const auto reason = DetectEmulation(tree.root(), "qemu-aarch64");
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("EDGEBENCH_EMULATED=qemu-aarch64"), std::string::npos);
}

TEST(EmulationTest, EmptyOrZeroDeclarationSaysNothing) {
  FixtureTree tree;
  tree.Write("proc/sys/kernel/arch", std::string(CompiledArchitecture()) + "\n");
  EXPECT_FALSE(DetectEmulation(tree.root(), ""));
  EXPECT_FALSE(DetectEmulation(tree.root(), "0"));
  EXPECT_FALSE(DetectEmulation(tree.root(), nullptr));
}

TEST(EmulationTest, KernelOfAnotherArchitectureMeansEmulation) {
  FixtureTree tree;
  tree.Write("proc/sys/kernel/arch", ForeignKernelArch() + "\n");
  const auto reason = DetectEmulation(tree.root(), nullptr);
  ASSERT_TRUE(reason);
  EXPECT_EQ(*reason, std::string(CompiledArchitecture()) + " binary on an " + ForeignKernelArch() +
                         " kernel");
}

TEST(EmulationTest, KernelArchTrumpsCpuInfo) {
  // Newer QEMU fakes an ARM cpuinfo; the kernel's arch file is what it cannot fake.
  FixtureTree tree;
  tree.Write("proc/sys/kernel/arch", std::string(CompiledArchitecture()) + "\n");
  tree.Write("proc/cpuinfo",
             "processor\t: 0\nvendor_id\t: GenuineIntel\n\n"
             "processor\t: 1\nCPU implementer\t: 0x41\n");
  EXPECT_FALSE(DetectEmulation(tree.root(), nullptr));
}

TEST(EmulationTest, CpuInfoOfAnotherArchitectureWithoutKernelArch) {
  FixtureTree tree;
  const bool arm_binary = CompiledArchitecture() == "aarch64";
  tree.Write("proc/cpuinfo", arm_binary ? "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                                        : "processor\t: 0\nCPU implementer\t: 0x41\n");
  EXPECT_TRUE(DetectEmulation(tree.root(), nullptr));
  tree.Write("proc/cpuinfo", arm_binary ? "processor\t: 0\nCPU implementer\t: 0x41\n"
                                        : "processor\t: 0\nvendor_id\t: AuthenticAMD\n");
  EXPECT_FALSE(DetectEmulation(tree.root(), nullptr));
}

TEST(EmulationTest, NothingToGoOnIsNotEmulation) {
  FixtureTree tree;
  EXPECT_FALSE(DetectEmulation(tree.root(), nullptr));
}

}  // namespace
}  // namespace edgebench::harness
