#include "harness/cpu_topology.h"

#include <gtest/gtest.h>

#include <string>

#include "harness/environment.h"
#include "harness/fixture_tree.h"

namespace edgebench::harness {
namespace {

using testing::FixtureTree;

// One aarch64 /proc/cpuinfo block in the kernel's layout (arch/arm64/kernel/cpuinfo.c):
// MIDR fields in hex, no "model name".
std::string ArmBlock(int cpu, const char* part, const char* revision) {
  return "processor\t: " + std::to_string(cpu) +
         "\nBogoMIPS\t: 48.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid\n"
         "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: " +
         part + "\nCPU revision\t: " + revision + "\n\n";
}

// Rockchip RK3399 (e.g. ROCK Pi 4, Pinebook Pro): cpu0-3 Cortex-A53 (part 0xd03) at
// 1.416 GHz, cpu4-5 Cortex-A72 (part 0xd08) at 1.8 GHz.
std::string Rk3399CpuInfo() {
  std::string text;
  for (int cpu = 0; cpu < 4; ++cpu) text += ArmBlock(cpu, "0xd03", "4");
  for (int cpu = 4; cpu < 6; ++cpu) text += ArmBlock(cpu, "0xd08", "2");
  return text;
}

void WriteRk3399(const FixtureTree& tree) {
  tree.Write("proc/cpuinfo", Rk3399CpuInfo());
  for (int cpu = 0; cpu < 6; ++cpu) {
    const std::string dir = "sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/cpufreq/";
    tree.Write(dir + "cpuinfo_max_freq", cpu < 4 ? "1416000\n" : "1800000\n");
    tree.Write(dir + "scaling_governor", "schedutil\n");
  }
}

TEST(CpuTopologyTest, NamesArmCoresFromImplementerAndPart) {
  const auto processors = ParseCpuInfoProcessors(Rk3399CpuInfo());
  ASSERT_EQ(processors.size(), 6u);
  EXPECT_EQ(processors[0].cpu, 0);
  EXPECT_EQ(processors[0].name, "Cortex-A53");
  EXPECT_TRUE(processors[0].efficiency_core);
  EXPECT_EQ(processors[5].cpu, 5);
  EXPECT_EQ(processors[5].name, "Cortex-A72");
  EXPECT_FALSE(processors[5].efficiency_core);
}

TEST(CpuTopologyTest, UnknownPartIsNamedByItsIds) {
  const auto processors = ParseCpuInfoProcessors(
      "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xfff\n\n"
      "processor\t: 1\nCPU implementer\t: 0x99\nCPU part\t: 0x001\n");
  ASSERT_EQ(processors.size(), 2u);
  EXPECT_EQ(processors[0].name, "ARM part 0xfff");
  EXPECT_EQ(processors[1].name, "implementer 0x99 part 0x001");
}

TEST(CpuTopologyTest, SummaryCountsEachArmCoreType) {
  const CpuInfoSummary summary = SummarizeCpuInfo(Rk3399CpuInfo());
  EXPECT_EQ(summary.model, "4x Cortex-A53 + 2x Cortex-A72");
  EXPECT_EQ(summary.processors, 6);
  EXPECT_FALSE(summary.board);
}

TEST(CpuTopologyTest, SummaryOfOneCoreTypeIsItsNameAndKeepsTheBoard) {
  std::string text;
  for (int cpu = 0; cpu < 4; ++cpu) text += ArmBlock(cpu, "0xd08", "3");
  text += "Hardware\t: BCM2835\nRevision\t: c03111\nModel\t: Raspberry Pi 4 Model B Rev 1.1\n";
  const CpuInfoSummary summary = SummarizeCpuInfo(text);
  EXPECT_EQ(summary.model, "Cortex-A72");
  EXPECT_EQ(summary.board, "Raspberry Pi 4 Model B Rev 1.1");
}

TEST(CpuTopologyTest, ArmIdsWinOverA32BitKernelsModelName) {
  // Raspberry Pi 3 on a 32-bit kernel: "model name" says only the architecture.
  std::string text;
  for (int cpu = 0; cpu < 4; ++cpu) {
    text += "processor\t: " + std::to_string(cpu) +
            "\nmodel name\t: ARMv7 Processor rev 4 (v7l)\nBogoMIPS\t: 38.40\n"
            "CPU implementer\t: 0x41\nCPU architecture: 7\nCPU part\t: 0xd03\n\n";
  }
  text += "Hardware\t: BCM2835\nModel\t: Raspberry Pi 3 Model B Rev 1.2\n";
  const CpuInfoSummary summary = SummarizeCpuInfo(text);
  EXPECT_EQ(summary.model, "Cortex-A53");
  EXPECT_EQ(summary.board, "Raspberry Pi 3 Model B Rev 1.2");
}

TEST(CpuTopologyTest, X86ModelNameIsTheModel) {
  const CpuInfoSummary summary = SummarizeCpuInfo(
      "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6230\n\n"
      "processor\t: 1\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6230\n");
  EXPECT_EQ(summary.model, "Intel(R) Xeon(R) Gold 6230");
  EXPECT_EQ(summary.processors, 2);
  const auto processors =
      ParseCpuInfoProcessors("processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Gold 6230\n");
  ASSERT_EQ(processors.size(), 1u);
  EXPECT_FALSE(processors[0].named_by_arm_ids);
}

TEST(CpuTopologyTest, Rk3399HasLittleA53sAndBigA72s) {
  FixtureTree tree;
  WriteRk3399(tree);
  const std::vector<CoreType> types = ReadCoreTypes(tree.root());
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0].name, "Cortex-A53");
  EXPECT_EQ(types[0].cpus, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(types[0].max_mhz, 1416.0);
  EXPECT_EQ(types[0].role, "little");
  EXPECT_EQ(types[1].name, "Cortex-A72");
  EXPECT_EQ(types[1].cpus, (std::vector<int>{4, 5}));
  EXPECT_EQ(types[1].max_mhz, 1800.0);
  EXPECT_EQ(types[1].role, "big");
  EXPECT_EQ(DescribeCoreTypes(types),
            "4x Cortex-A53 @ 1416 MHz (little) + 2x Cortex-A72 @ 1800 MHz (big)");
}

TEST(CpuTopologyTest, PinRolesResolveToTheirCpus) {
  FixtureTree tree;
  WriteRk3399(tree);
  const std::vector<CoreType> types = ReadCoreTypes(tree.root());
  std::string error;
  EXPECT_EQ(ResolvePinRole("big", types, error), "4-5");
  EXPECT_EQ(ResolvePinRole("little", types, error), "0-3");
  EXPECT_EQ(ResolvePinRole("1,3", types, error), "1,3");  // CPU lists pass through
  EXPECT_TRUE(error.empty());
}

TEST(CpuTopologyTest, EfficiencyDesignIsLittleEvenAtTheHigherClock) {
  // A made-up pairing where the A55s are clocked above the A76s: design decides.
  const std::vector<CpuInfoProcessor> processors = {
      {.cpu = 0, .name = "Cortex-A76", .efficiency_core = false},
      {.cpu = 1, .name = "Cortex-A55", .efficiency_core = true}};
  const auto types = GroupCoreTypes(processors, {2000.0, 2200.0});
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0].name, "Cortex-A55");
  EXPECT_EQ(types[0].role, "little");
  EXPECT_EQ(types[1].role, "big");
}

TEST(CpuTopologyTest, HybridX86CoresDifferOnlyInTopFrequency) {
  const std::vector<CpuInfoProcessor> processors = {{.cpu = 0, .name = "Core i7-1260P"},
                                                    {.cpu = 1, .name = "Core i7-1260P"},
                                                    {.cpu = 2, .name = "Core i7-1260P"}};
  const auto types = GroupCoreTypes(processors, {4700.0, 4700.0, 3400.0});
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0].cpus, (std::vector<int>{2}));
  EXPECT_EQ(types[0].role, "little");
  EXPECT_EQ(types[1].cpus, (std::vector<int>{0, 1}));
  EXPECT_EQ(types[1].role, "big");
}

TEST(CpuTopologyTest, ThreeTiersHaveAMiddle) {
  const std::vector<CpuInfoProcessor> processors = {
      {.cpu = 0, .name = "Cortex-A55", .efficiency_core = true},
      {.cpu = 1, .name = "Cortex-A78"},
      {.cpu = 2, .name = "Cortex-X1"}};
  const auto types = GroupCoreTypes(processors, {1800.0, 2400.0, 2840.0});
  ASSERT_EQ(types.size(), 3u);
  EXPECT_EQ(types[0].role, "little");
  EXPECT_EQ(types[1].role, "mid");
  EXPECT_EQ(types[2].role, "big");
}

TEST(CpuTopologyTest, OneCoreTypeHasNoRolesAndRefusesBigOrLittle) {
  FixtureTree tree;
  std::string text;
  for (int cpu = 0; cpu < 4; ++cpu) text += ArmBlock(cpu, "0xd08", "3");
  tree.Write("proc/cpuinfo", text);
  const auto types = ReadCoreTypes(tree.root());
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types[0].role, "");
  EXPECT_FALSE(types[0].max_mhz);  // no cpufreq in this tree
  std::string error;
  EXPECT_FALSE(ResolvePinRole("big", types, error));
  EXPECT_NE(error.find("one core type (4x Cortex-A72)"), std::string::npos) << error;
}

TEST(CpuTopologyTest, MissingOrMalformedCpuInfoGivesNoTypes) {
  FixtureTree tree;
  EXPECT_TRUE(ReadCoreTypes(tree.root()).empty());
  tree.Write("proc/cpuinfo", "processor : x\nCPU part : zz\n:\n\n\nnonsense");
  EXPECT_TRUE(ReadCoreTypes(tree.root()).empty());
  std::string error;
  EXPECT_FALSE(ResolvePinRole("little", {}, error));
  EXPECT_FALSE(error.empty());
}

TEST(CpuTopologyTest, EnvironmentRecordOfAnRk3399Board) {
  FixtureTree tree;
  WriteRk3399(tree);
  tree.Write("proc/device-tree/model", std::string("Radxa ROCK Pi 4B", 16) + '\0');
  const Environment env = CaptureEnvironment(tree.root());
  EXPECT_EQ(env.cpu_model, "4x Cortex-A53 + 2x Cortex-A72");
  EXPECT_EQ(env.board_model, "Radxa ROCK Pi 4B");
  EXPECT_EQ(env.logical_cpus, 6);
  ASSERT_EQ(env.cpu_core_types.size(), 2u);
  ASSERT_EQ(env.cpu_frequencies.size(), 6u);
  EXPECT_EQ(env.cpu_frequencies[5].max_mhz, 1800.0);
  const nlohmann::json json = ToJson(env);
  EXPECT_EQ(json["board_model"], "Radxa ROCK Pi 4B");
  EXPECT_EQ(json["cpu_core_types"][0], (nlohmann::json{{"name", "Cortex-A53"},
                                                       {"cpus", {0, 1, 2, 3}},
                                                       {"max_mhz", 1416.0},
                                                       {"role", "little"}}));
  EXPECT_EQ(json["cpu_core_types"][1]["role"], "big");
  EXPECT_TRUE(json.contains("emulated"));
  EXPECT_NE(DescribeCpu(env).find("CPU: 4x Cortex-A53 + 2x Cortex-A72 on Radxa ROCK Pi 4B; cores: "
                                  "4x Cortex-A53 @ 1416 MHz (little) + 2x Cortex-A72 @ 1800 "
                                  "MHz (big); "),
            std::string::npos)
      << DescribeCpu(env);
}

}  // namespace
}  // namespace edgebench::harness
