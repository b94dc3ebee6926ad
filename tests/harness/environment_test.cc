#include "harness/environment.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace edgebench::harness {
namespace {

namespace fs = std::filesystem;

// A private fake filesystem root per test, removed afterwards.
class FixtureTree {
 public:
  FixtureTree() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::path(::testing::TempDir()) /
            ("edgebench_env_" + std::string(test->name()) + "_" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~FixtureTree() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  FixtureTree(const FixtureTree&) = delete;
  FixtureTree& operator=(const FixtureTree&) = delete;

  // Writes `text` to root/relative, creating directories on the way.
  void Write(const std::string& relative, const std::string& text) const {
    const fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  void MakeDir(const std::string& relative) const { fs::create_directories(root_ / relative); }

  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

constexpr char kX86CpuInfo[] =
    "processor\t: 0\n"
    "vendor_id\t: GenuineIntel\n"
    "model name\t: Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz\n"
    "\n"
    "processor\t: 1\n"
    "vendor_id\t: GenuineIntel\n"
    "model name\t: Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz\n";

// Raspberry Pi OS on a Pi 4: no "model name", the board in "Model".
constexpr char kRaspberryPiCpuInfo[] =
    "processor\t: 0\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08\n\n"
    "processor\t: 1\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08\n\n"
    "processor\t: 2\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08\n\n"
    "processor\t: 3\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08\n\n"
    "Hardware\t: BCM2835\n"
    "Model\t\t: Raspberry Pi 4 Model B Rev 1.4\n";

bool HasWarningContaining(const std::vector<std::string>& warnings, const std::string& part) {
  return std::any_of(warnings.begin(), warnings.end(), [&](const std::string& warning) {
    return warning.find(part) != std::string::npos;
  });
}

TEST(CaptureEnvironmentTest, EmptyRootLeavesFileFieldsAbsent) {
  FixtureTree tree;
  const Environment env = CaptureEnvironment(tree.root());
  EXPECT_FALSE(env.cpu_model.has_value());
  EXPECT_EQ(env.logical_cpus, 0);
  EXPECT_TRUE(env.cpu_frequencies.empty());
  EXPECT_FALSE(env.os_pretty_name.has_value());
  EXPECT_FALSE(env.load_1m.has_value());
  EXPECT_FALSE(env.total_memory_bytes.has_value());
  EXPECT_TRUE(env.thermal_zones.empty());
  // What does not come from files is still there.
  EXPECT_GT(env.cpus_used, 0);
  EXPECT_FALSE(env.kernel_release.empty());
  EXPECT_FALSE(env.compiler_id.empty());
  EXPECT_EQ(env.start_time.size(), std::string("2024-05-01T12:00:00Z").size());
  EXPECT_EQ(env.start_time.back(), 'Z');

  const nlohmann::json json = ToJson(env);
  EXPECT_FALSE(json.contains("cpu_model"));
  EXPECT_FALSE(json.contains("load_1m"));
  EXPECT_FALSE(json.contains("total_memory_bytes"));
  EXPECT_TRUE(json["cpu_frequencies"].empty());
  EXPECT_EQ(json["logical_cpus"], 0);
}

TEST(CaptureEnvironmentTest, NonexistentRootIsNotAnError) {
  const Environment env = CaptureEnvironment("/nonexistent/edgebench/root");
  EXPECT_FALSE(env.cpu_model.has_value());
  EXPECT_TRUE(env.cpu_frequencies.empty());
}

TEST(CaptureEnvironmentTest, RecordsTheRunningCpusSimdFeaturesAndWidestFmaIsa) {
  const Environment env = CaptureEnvironment("/nonexistent/edgebench/root");
  ASSERT_FALSE(env.widest_fma_isa.empty());
#if defined(__x86_64__)
  // x86-64 guarantees SSE2, so it is always detected; the widest ISA agrees with the flags.
  EXPECT_NE(std::find(env.cpu_simd_features.begin(), env.cpu_simd_features.end(), "sse2"),
            env.cpu_simd_features.end());
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  EXPECT_EQ(env.widest_fma_isa, avx512 ? "avx512f" : avx2 ? "avx2+fma" : "sse2");
#endif
  const nlohmann::json json = ToJson(env);
  EXPECT_EQ(json.at("widest_fma_isa"), env.widest_fma_isa);
  EXPECT_EQ(json.at("cpu_simd_features").size(), env.cpu_simd_features.size());
}

TEST(CaptureEnvironmentTest, ReadsX86CpuInfo) {
  FixtureTree tree;
  tree.Write("proc/cpuinfo", kX86CpuInfo);
  const Environment env = CaptureEnvironment(tree.root());
  EXPECT_EQ(env.cpu_model, "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz");
  EXPECT_EQ(env.logical_cpus, 2);
}

TEST(CaptureEnvironmentTest, NamesTheBoardOnArm) {
  FixtureTree tree;
  tree.Write("proc/cpuinfo", kRaspberryPiCpuInfo);
  const Environment env = CaptureEnvironment(tree.root());
  EXPECT_EQ(env.cpu_model, "Raspberry Pi 4 Model B Rev 1.4");
  EXPECT_EQ(env.logical_cpus, 4);
}

TEST(CaptureEnvironmentTest, FallsBackToDeviceTreeModelAndSysfsCpuCount) {
  FixtureTree tree;
  tree.Write("proc/device-tree/model", std::string("NVIDIA Jetson Nano Developer Kit\0", 33));
  tree.MakeDir("sys/devices/system/cpu/cpu0");
  tree.MakeDir("sys/devices/system/cpu/cpu1");
  tree.MakeDir("sys/devices/system/cpu/cpuidle");
  const Environment env = CaptureEnvironment(tree.root());
  EXPECT_EQ(env.cpu_model, "NVIDIA Jetson Nano Developer Kit");
  EXPECT_EQ(env.logical_cpus, 2);
}

TEST(CaptureEnvironmentTest, ReadsGovernorsAndFrequenciesInCpuOrder) {
  FixtureTree tree;
  for (const char* cpu : {"cpu0", "cpu2", "cpu10"}) {
    const std::string dir = std::string("sys/devices/system/cpu/") + cpu + "/cpufreq/";
    tree.Write(dir + "scaling_governor", "schedutil\n");
    tree.Write(dir + "scaling_cur_freq", "1500000\n");
    tree.Write(dir + "cpuinfo_max_freq", "2400000\n");
  }
  // A CPU without cpufreq, and sysfs siblings that are not CPUs, are skipped.
  tree.MakeDir("sys/devices/system/cpu/cpu1");
  tree.Write("sys/devices/system/cpu/cpufreq/boost", "1\n");
  tree.MakeDir("sys/devices/system/cpu/cpuidle");

  const Environment env = CaptureEnvironment(tree.root());
  ASSERT_EQ(env.cpu_frequencies.size(), 3u);
  EXPECT_EQ(env.cpu_frequencies[0].cpu, 0);
  EXPECT_EQ(env.cpu_frequencies[1].cpu, 2);
  EXPECT_EQ(env.cpu_frequencies[2].cpu, 10);
  EXPECT_EQ(env.cpu_frequencies[0].governor, "schedutil");
  EXPECT_EQ(env.cpu_frequencies[0].cur_mhz, 1500.0);
  EXPECT_EQ(env.cpu_frequencies[0].max_mhz, 2400.0);

  const nlohmann::json json = ToJson(env);
  EXPECT_EQ(json["cpu_frequencies"][2]["cpu"], 10);
  EXPECT_EQ(json["cpu_frequencies"][2]["governor"], "schedutil");
  EXPECT_EQ(json["cpu_frequencies"][2]["max_mhz"], 2400.0);

  EXPECT_TRUE(HasWarningContaining(
      EnvironmentWarnings(env),
      "CPU frequency scaling enabled (governor 'schedutil' on cpu0): results may be noisy"));
}

TEST(CaptureEnvironmentTest, FrequencyWithoutGovernorUsesFallbackFiles) {
  FixtureTree tree;
  tree.Write("sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_cur_freq", "600000\n");
  tree.Write("sys/devices/system/cpu/cpu0/cpufreq/scaling_max_freq", "1800000\n");
  const Environment env = CaptureEnvironment(tree.root());
  ASSERT_EQ(env.cpu_frequencies.size(), 1u);
  EXPECT_FALSE(env.cpu_frequencies[0].governor.has_value());
  EXPECT_EQ(env.cpu_frequencies[0].cur_mhz, 600.0);
  EXPECT_EQ(env.cpu_frequencies[0].max_mhz, 1800.0);
  EXPECT_FALSE(ToJson(env)["cpu_frequencies"][0].contains("governor"));
  EXPECT_FALSE(HasWarningContaining(EnvironmentWarnings(env), "frequency scaling"));
}

TEST(CaptureEnvironmentTest, PerformanceGovernorIsNotWarnedAbout) {
  FixtureTree tree;
  tree.Write("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "performance\n");
  tree.Write("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "performance\n");
  const Environment env = CaptureEnvironment(tree.root());
  ASSERT_EQ(env.cpu_frequencies.size(), 2u);
  EXPECT_FALSE(HasWarningContaining(EnvironmentWarnings(env), "frequency scaling"));
}

TEST(CaptureEnvironmentTest, NamesTheFirstScalingCpu) {
  FixtureTree tree;
  tree.Write("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "performance\n");
  tree.Write("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "powersave\n");
  const auto warnings = EnvironmentWarnings(CaptureEnvironment(tree.root()));
  EXPECT_TRUE(HasWarningContaining(warnings, "governor 'powersave' on cpu1"));
}

TEST(CaptureEnvironmentTest, ReadsThermalZones) {
  FixtureTree tree;
  tree.Write("sys/class/thermal/thermal_zone0/temp", "45500\n");
  tree.Write("sys/class/thermal/thermal_zone0/type", "x86_pkg_temp\n");
  tree.Write("sys/class/thermal/thermal_zone1/type", "acpitz\n");  // no temp: skipped
  tree.Write("sys/class/thermal/thermal_zone2/temp", "-2000\n");   // no type: still read
  tree.Write("sys/class/thermal/cooling_device0/type", "Processor\n");
  const Environment env = CaptureEnvironment(tree.root());
  ASSERT_EQ(env.thermal_zones.size(), 2u);
  EXPECT_EQ(env.thermal_zones[0].zone, "thermal_zone0");
  EXPECT_EQ(env.thermal_zones[0].type, "x86_pkg_temp");
  EXPECT_DOUBLE_EQ(env.thermal_zones[0].celsius, 45.5);
  EXPECT_EQ(env.thermal_zones[1].zone, "thermal_zone2");
  EXPECT_FALSE(env.thermal_zones[1].type.has_value());
  EXPECT_DOUBLE_EQ(env.thermal_zones[1].celsius, -2.0);

  const nlohmann::json json = ToJson(env);
  EXPECT_EQ(json["thermal_zones"][0]["celsius"], 45.5);
  EXPECT_EQ(json["thermal_zones"][0]["type"], "x86_pkg_temp");
  EXPECT_FALSE(json["thermal_zones"][1].contains("type"));
}

TEST(CaptureEnvironmentTest, ReadsLoadMemoryAndOsRelease) {
  FixtureTree tree;
  tree.Write("proc/loadavg", "0.52 0.58 0.61 1/467 12345\n");
  tree.Write("proc/meminfo", "MemTotal:       16314928 kB\nMemFree:         1000 kB\n");
  tree.Write("etc/os-release",
             "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
  const Environment env = CaptureEnvironment(tree.root());
  EXPECT_EQ(env.load_1m, 0.52);
  EXPECT_EQ(env.load_5m, 0.58);
  EXPECT_EQ(env.load_15m, 0.61);
  EXPECT_EQ(env.total_memory_bytes, int64_t{16314928} * 1024);
  EXPECT_EQ(env.os_pretty_name, "Debian GNU/Linux 12 (bookworm)");
  const nlohmann::json json = ToJson(env);
  EXPECT_EQ(json["load_1m"], 0.52);
  EXPECT_EQ(json["total_memory_bytes"], int64_t{16314928} * 1024);
  EXPECT_EQ(json["os_pretty_name"], "Debian GNU/Linux 12 (bookworm)");
}

TEST(CaptureEnvironmentTest, OsReleaseFallsBackToUsrLib) {
  FixtureTree tree;
  tree.Write("usr/lib/os-release", "PRETTY_NAME='Ubuntu 22.04.4 LTS'\n");
  EXPECT_EQ(CaptureEnvironment(tree.root()).os_pretty_name, "Ubuntu 22.04.4 LTS");
}

TEST(CaptureEnvironmentTest, MalformedFilesLeaveFieldsAbsent) {
  FixtureTree tree;
  tree.Write("proc/loadavg", "garbage\n");
  tree.Write("proc/meminfo", "MemTotal: lots\n");
  tree.Write("sys/class/thermal/thermal_zone0/temp", "n/a\n");
  tree.Write("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "\n");
  const Environment env = CaptureEnvironment(tree.root());
  EXPECT_FALSE(env.load_1m.has_value());
  EXPECT_FALSE(env.total_memory_bytes.has_value());
  EXPECT_TRUE(env.thermal_zones.empty());
  EXPECT_TRUE(env.cpu_frequencies.empty());
}

// A release build on an idle 4-CPU machine with fixed clocks: nothing to warn about.
Environment QuietEnvironment() {
  Environment env;
  env.logical_cpus = 4;
  env.build_type = "Release";
  env.load_1m = 0.3;
  env.cpu_frequencies = {{.cpu = 0, .governor = "performance"}};
  return env;
}

TEST(EnvironmentWarningsTest, QuietMachineHasNone) {
  EXPECT_TRUE(EnvironmentWarnings(QuietEnvironment()).empty());
}

TEST(EnvironmentWarningsTest, DebugAndUnoptimizedBuilds) {
  Environment env = QuietEnvironment();
  env.build_type = "Debug";
  EXPECT_EQ(EnvironmentWarnings(env),
            std::vector<std::string>{"debug build: timings are not representative"});
  env.build_type = "";
  EXPECT_TRUE(HasWarningContaining(EnvironmentWarnings(env), "unoptimized build"));
}

TEST(EnvironmentWarningsTest, EmulatedCpuIsNamed) {
  Environment env = QuietEnvironment();
  env.architecture = "aarch64";
  env.emulated = "aarch64 binary on an x86_64 kernel";
  EXPECT_EQ(EnvironmentWarnings(env),
            std::vector<std::string>{"emulated CPU (aarch64 binary on an x86_64 kernel): timings "
                                     "measure the emulator, not aarch64 hardware"});
}

TEST(EnvironmentWarningsTest, SanitizerBuild) {
  Environment env = QuietEnvironment();
  env.sanitizers = {"address", "undefined"};
  EXPECT_EQ(EnvironmentWarnings(env),
            std::vector<std::string>{"ASan/UBSan build: timings are not representative"});
}

TEST(EnvironmentWarningsTest, LoadAboveThreshold) {
  // Threshold on 4 CPUs: 1 + 0.1 * 4 = 1.4.
  FixtureTree tree;
  tree.Write("proc/cpuinfo", std::string(kX86CpuInfo) + "\nprocessor\t: 2\n\nprocessor\t: 3\n");
  tree.Write("proc/loadavg", "3.50 2.00 1.00 2/300 999\n");
  Environment env = CaptureEnvironment(tree.root());
  env.build_type = "Release";
  env.sanitizers.clear();
  env.emulated.reset();  // an ARM build reads the x86 fixture as a sign of emulation
  EXPECT_EQ(EnvironmentWarnings(env),
            std::vector<std::string>{"machine loaded: 1-minute load average 3.50 on 4 CPUs"});
  env.load_1m = 1.4;
  EXPECT_TRUE(EnvironmentWarnings(env).empty());
  env.load_1m = 1.41;
  EXPECT_EQ(EnvironmentWarnings(env).size(), 1u);
  env.load_1m.reset();
  EXPECT_TRUE(EnvironmentWarnings(env).empty());
}

TEST(EnvironmentTest, RecordsThisBuild) {
  const Environment env = CaptureEnvironment("/nonexistent");
  // The harness library is compiled with the definitions from its CMakeLists.
  EXPECT_NE(env.compiler_id, "unknown");
  EXPECT_NE(env.compiler_version, "unknown");
  EXPECT_EQ(env.build_flags.find("-Wall") != std::string::npos, true) << env.build_flags;
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_NE(std::find(env.sanitizers.begin(), env.sanitizers.end(), "address"),
            env.sanitizers.end());
#endif
}

TEST(EnvironmentTest, RealRootSmoke) {
  Environment env;
  ASSERT_NO_THROW(env = CaptureEnvironment());
  ASSERT_TRUE(env.cpu_model.has_value());
  EXPECT_FALSE(env.cpu_model->empty());
  EXPECT_GT(env.logical_cpus, 0);
  EXPECT_GT(env.cpus_used, 0);
  EXPECT_LE(env.cpus_used, env.logical_cpus);
  EXPECT_TRUE(env.load_1m.has_value());
  EXPECT_TRUE(env.total_memory_bytes.has_value());
  EXPECT_FALSE(env.hostname.empty());
  ASSERT_NO_THROW(ToJson(env).dump());
  ASSERT_NO_THROW(EnvironmentWarnings(env));
}

}  // namespace
}  // namespace edgebench::harness
