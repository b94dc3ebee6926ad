// Discovery and single reads on fixed fixture trees: what is found, with which kind,
// unit and boundary, and what a bad file turns into.
#include "sensors/discovery.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <map>

#include "sensors/sysfs_file.h"
#include "sysfs_fixture.h"

namespace edgebench::sensors {
namespace {

using testing::SysfsFixture;

std::map<std::string, std::shared_ptr<const SensorSource>> ById(const SensorSources& sources) {
  std::map<std::string, std::shared_ptr<const SensorSource>> by_id;
  for (const auto& source : sources) {
    EXPECT_TRUE(by_id.emplace(source->info().id, source).second)
        << "duplicate " << source->info().id;
  }
  return by_id;
}

TEST(SensorDiscovery, EmptyOrMissingRootHasNoSources) {
  SysfsFixture fixture;
  EXPECT_TRUE(DiscoverSensors(fixture.root()).empty());
  EXPECT_TRUE(DiscoverSensors(fixture.Path("no/such/dir")).empty());
}

TEST(SensorDiscovery, RaplZonesNestedAndFlat) {
  SysfsFixture fixture;
  fixture.Write("sys/class/powercap/intel-rapl/enabled", 1);  // the control type, no zone
  fixture.Write("sys/class/powercap/intel-rapl:0/name", "package-0");
  fixture.Write("sys/class/powercap/intel-rapl:0/energy_uj", 123456789);
  fixture.Write("sys/class/powercap/intel-rapl:0/max_energy_range_uj", 262143328850LL);
  fixture.Write("sys/class/powercap/intel-rapl:0/intel-rapl:0:0/name", "core");
  fixture.Write("sys/class/powercap/intel-rapl:0/intel-rapl:0:0/energy_uj", 5000000);
  fixture.Write("sys/class/powercap/intel-rapl:0/intel-rapl:0:0/max_energy_range_uj", 1000);
  fixture.Write("sys/class/powercap/intel-rapl:0/intel-rapl:0:1/name", "dram");
  fixture.Write("sys/class/powercap/intel-rapl:0/intel-rapl:0:1/energy_uj", 42);
  // A real kernel also links subzones flat into class/powercap: listed once, not twice.
  std::filesystem::create_directory_symlink(
      fixture.Path("sys/class/powercap/intel-rapl:0/intel-rapl:0:1"),
      fixture.Path("sys/class/powercap/intel-rapl:0:1"));
  fixture.Write("sys/class/powercap/intel-rapl:1/name", "psys");
  fixture.Write("sys/class/powercap/intel-rapl:1/energy_uj", 7);

  const SensorSources sources = DiscoverRapl(fixture.root());
  ASSERT_EQ(sources.size(), 4u);
  auto by_id = ById(sources);
  const SensorSource& package = *by_id.at("rapl:intel-rapl:0");
  EXPECT_EQ(package.info().kind, SensorKind::kEnergyCounter);
  EXPECT_EQ(package.info().unit, "J");
  EXPECT_EQ(package.info().boundary, "cpu-package:0");
  EXPECT_EQ(package.info().label, "package-0");
  ASSERT_TRUE(package.info().counter_range_joules);
  EXPECT_DOUBLE_EQ(*package.info().counter_range_joules, 262143.32885);
  const SensorReading reading = package.Read();
  ASSERT_TRUE(reading.value) << reading.absent_reason;
  EXPECT_DOUBLE_EQ(*reading.value, 123.456789);
  EXPECT_EQ(reading.source->id, "rapl:intel-rapl:0");

  EXPECT_EQ(by_id.at("rapl:intel-rapl:0:0")->info().boundary, "cpu-cores:0");
  EXPECT_DOUBLE_EQ(*by_id.at("rapl:intel-rapl:0:0")->info().counter_range_joules, 0.001);
  EXPECT_EQ(by_id.at("rapl:intel-rapl:0:1")->info().boundary, "dram:0");
  EXPECT_FALSE(by_id.at("rapl:intel-rapl:0:1")->info().counter_range_joules);
  EXPECT_EQ(by_id.at("rapl:intel-rapl:1")->info().boundary, "platform");
}

TEST(SensorDiscovery, HwmonRailsPowerAndTemperatures) {
  SysfsFixture fixture;
  // INA3221 as on a Jetson: three labelled rails, current and voltage only.
  const std::string ina = "sys/class/hwmon/hwmon2/";
  fixture.Write(ina + "name", "ina3221");
  const char* rails[] = {"VDD_IN", "VDD_CPU_GPU_CV", "VDD_SOC"};
  for (int i = 1; i <= 3; ++i) {
    fixture.Write(ina + "in" + std::to_string(i) + "_label", rails[i - 1]);
    fixture.Write(ina + "curr" + std::to_string(i) + "_label", rails[i - 1]);
    fixture.Write(ina + "in" + std::to_string(i) + "_input", 5000 - i);
    fixture.Write(ina + "curr" + std::to_string(i) + "_input", 1000 * i);
  }
  fixture.Write(ina + "in7_input", 3300);  // a voltage with no current: not a rail
  // Channel 4 of an INA3221 is no rail: curr4 sums the currents, in4 is a shunt voltage.
  fixture.Write(ina + "curr4_input", 6000);
  fixture.Write(ina + "in4_input", 40);
  // amdgpu reports an average, not an instantaneous power.
  fixture.Write("sys/class/hwmon/hwmon3/name", "amdgpu");
  fixture.Write("sys/class/hwmon/hwmon3/power1_average", 15250000);
  fixture.Write("sys/class/hwmon/hwmon3/power1_label", "PPT");
  // INA219-like: a power channel, which wins over current x voltage of the same index.
  const std::string ina219 = "sys/class/hwmon/hwmon10/";
  fixture.Write(ina219 + "name", "ina219");
  fixture.Write(ina219 + "power1_input", 2500000);
  fixture.Write(ina219 + "curr1_input", 500);
  fixture.Write(ina219 + "in1_input", 5000);
  const std::string cpu = "sys/class/hwmon/hwmon0/";
  fixture.Write(cpu + "name", "coretemp");
  fixture.Write(cpu + "temp1_input", 45500);
  fixture.Write(cpu + "temp1_label", "Package id 0");
  fixture.Write(cpu + "temp2_input", -2000);

  const SensorSources sources = DiscoverHwmon(fixture.root());
  ASSERT_EQ(sources.size(), 7u);
  // Natural order: hwmon0, hwmon2, hwmon3, hwmon10.
  EXPECT_EQ(sources[0]->info().id, "hwmon0:temp1");
  EXPECT_EQ(sources[6]->info().id, "hwmon10:power1");
  auto by_id = ById(sources);
  for (int i = 1; i <= 3; ++i) {
    const SensorSource& rail = *by_id.at("hwmon2:rail" + std::to_string(i));
    EXPECT_EQ(rail.info().kind, SensorKind::kPower);
    EXPECT_EQ(rail.info().unit, "W");
    EXPECT_EQ(rail.info().boundary, std::string("board-rail:") + rails[i - 1]);
    const SensorReading reading = rail.Read();
    ASSERT_TRUE(reading.value) << reading.absent_reason;
    // mA x mV = uW.
    EXPECT_NEAR(*reading.value, (1000.0 * i) * (5000.0 - i) * 1e-6, 1e-12);
  }
  const SensorReading power = by_id.at("hwmon10:power1")->Read();
  ASSERT_TRUE(power.value);
  EXPECT_DOUBLE_EQ(*power.value, 2.5);
  EXPECT_EQ(by_id.at("hwmon10:power1")->info().boundary, "board-rail:ina219/power1");

  const SensorSource& amdgpu = *by_id.at("hwmon3:power1");
  EXPECT_EQ(amdgpu.info().boundary, "device-power:amdgpu:PPT");
  EXPECT_DOUBLE_EQ(*amdgpu.Read().value, 15.25);
  EXPECT_FALSE(by_id.contains("hwmon2:rail4"));

  const SensorSource& package_temp = *by_id.at("hwmon0:temp1");
  EXPECT_EQ(package_temp.info().kind, SensorKind::kTemperature);
  EXPECT_EQ(package_temp.info().unit, "C");
  EXPECT_EQ(package_temp.info().boundary, "thermal:coretemp:Package id 0");
  EXPECT_DOUBLE_EQ(*package_temp.Read().value, 45.5);
  EXPECT_DOUBLE_EQ(*by_id.at("hwmon0:temp2")->Read().value, -2.0);
}

TEST(SensorDiscovery, ThermalZonesAndCpuClocks) {
  SysfsFixture fixture;
  fixture.Write("sys/class/thermal/thermal_zone0/type", "soc-thermal");
  fixture.Write("sys/class/thermal/thermal_zone0/temp", 51250);
  fixture.Write("sys/class/thermal/thermal_zone1/type", "gpu-thermal");
  fixture.Write("sys/class/thermal/thermal_zone1/temp", 40000);
  fixture.Write("sys/class/thermal/cooling_device0/type", "fan");
  fixture.Write("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", 1420800);
  fixture.Write("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "schedutil");
  fixture.Write("sys/devices/system/cpu/cpu1/online", 1);  // no cpufreq: no clock
  fixture.Write("sys/devices/system/cpu/cpufreq/policy0/scaling_cur_freq", 1);  // not a cpu

  const SensorSources zones = DiscoverThermalZones(fixture.root());
  ASSERT_EQ(zones.size(), 2u);
  EXPECT_EQ(zones[0]->info().boundary, "thermal:soc-thermal");
  EXPECT_EQ(zones[0]->info().kind, SensorKind::kTemperature);
  EXPECT_DOUBLE_EQ(*zones[0]->Read().value, 51.25);

  const SensorSources clocks = DiscoverCpufreq(fixture.root());
  ASSERT_EQ(clocks.size(), 1u);
  EXPECT_EQ(clocks[0]->info().boundary, "cpu-core:0");
  EXPECT_EQ(clocks[0]->info().unit, "MHz");
  const SensorReading clock = clocks[0]->Read();
  ASSERT_TRUE(clock.value);
  EXPECT_DOUBLE_EQ(*clock.value, 1420.8);
  EXPECT_EQ(clock.detail, "schedutil");
  EXPECT_EQ(DiscoverSensors(fixture.root()).size(), 3u);
}

TEST(SensorDiscovery, BadFilesGiveAbsentReadingsWithReasons) {
  SysfsFixture fixture;
  fixture.Write("sys/class/thermal/thermal_zone0/temp", "not a number");
  fixture.Write("sys/class/thermal/thermal_zone1/temp", "");
  fixture.Write("sys/class/thermal/thermal_zone2/type", "gone");
  std::filesystem::create_directories(fixture.Path("sys/class/thermal/thermal_zone3/temp"));
  fixture.Write("sys/class/thermal/thermal_zone4/temp", std::string(5000, '7'));
  fixture.Write("sys/class/thermal/thermal_zone5/temp", "99999999999999999999999");
  // A FIFO where the attribute should be: read at once (empty), never waited on.
  std::filesystem::create_directories(fixture.Path("sys/class/thermal/thermal_zone6"));
  ASSERT_EQ(::mkfifo(fixture.Path("sys/class/thermal/thermal_zone6/temp").c_str(), 0600), 0);

  const SensorSources zones = DiscoverThermalZones(fixture.root());
  ASSERT_EQ(zones.size(), 7u);
  const char* expected_reasons[] = {"not an integer",
                                    "not an integer",
                                    "No such file",
                                    "Is a directory",
                                    "larger than a sysfs attribute",
                                    "not an integer",
                                    "not an integer"};
  for (size_t i = 0; i < zones.size(); ++i) {
    const SensorReading reading = zones[i]->Read();
    EXPECT_FALSE(reading.value) << i;
    EXPECT_NE(reading.absent_reason.find(expected_reasons[i]), std::string::npos)
        << i << ": " << reading.absent_reason;
    EXPECT_NE(reading.absent_reason.find("thermal_zone" + std::to_string(i)), std::string::npos)
        << reading.absent_reason;
    // The zone's type falls back to its directory name when `type` is missing.
    EXPECT_FALSE(zones[i]->info().label.empty());
  }
}

TEST(SensorDiscovery, RootComesFromTheEnvironment) {
  ::unsetenv("EDGEBENCH_SYSFS_ROOT");
  EXPECT_EQ(DefaultSysfsRoot(), "/");
  ::setenv("EDGEBENCH_SYSFS_ROOT", "/tmp/fixture", 1);
  EXPECT_EQ(DefaultSysfsRoot(), "/tmp/fixture");
  ::setenv("EDGEBENCH_SYSFS_ROOT", "", 1);
  EXPECT_EQ(DefaultSysfsRoot(), "/");
  ::unsetenv("EDGEBENCH_SYSFS_ROOT");
}

}  // namespace
}  // namespace edgebench::sensors
