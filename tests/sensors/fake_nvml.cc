// A stand-in for libnvidia-ml.so.1 with the same function names and signatures as the
// NVML functions edgebench uses, for testing the NVML source on machines without a GPU.
// Every call re-reads the script file named by $FAKE_NVML_SCRIPT, so a test changes the
// readings while they are sampled. Script lines are "key value":
//   init <code>          nvmlInit_v2's return (default 0)
//   count <n>            devices
//   name<i> <text>       nvmlDeviceGetName
//   power_mw<i> <n>      nvmlDeviceGetPowerUsage (absent key: NVML_ERROR_NOT_SUPPORTED, 3)
//   energy_mj<i> <n>     nvmlDeviceGetTotalEnergyConsumption
//   energy_rate_mw<i> <n> with epoch_ms <n> (a CLOCK_MONOTONIC time in ms): the counter
//                        grows at this power from energy_mj<i> at the epoch, computed
//                        when read, so a test knows the exact value of every sample
//   temp<i> <n>          nvmlDeviceGetTemperature (GPU sensor)
//   sm_clock<i> <n>      nvmlDeviceGetClockInfo (NVML_CLOCK_SM)
//   throttle<i> <n>      nvmlDeviceGetCurrentClocksThrottleReasons
// nvmlShutdown appends "shutdown" to $FAKE_NVML_LOG when set.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <string>

namespace {

constexpr int kNotSupported = 3;
constexpr int kInvalidArgument = 2;

std::map<std::string, std::string> Script() {
  std::map<std::string, std::string> values;
  const char* path = std::getenv("FAKE_NVML_SCRIPT");
  if (path == nullptr) return values;
  std::ifstream file(path);
  std::string key, value;
  while (file >> key >> value) values[key] = value;
  return values;
}

// The device handle is its index + 1 (never null).
unsigned Index(void* device) {
  return static_cast<unsigned>(reinterpret_cast<uintptr_t>(device) - 1);
}

template <typename T>
int Get(void* device, const char* key, T* out) {
  if (out == nullptr) return kInvalidArgument;
  const auto script = Script();
  const auto found = script.find(key + std::to_string(Index(device)));
  if (found == script.end()) return kNotSupported;
  *out = static_cast<T>(std::strtoull(found->second.c_str(), nullptr, 10));
  return 0;
}

}  // namespace

extern "C" {

int nvmlInit_v2() {
  const auto script = Script();
  const auto found = script.find("init");
  return found == script.end() ? 0 : std::atoi(found->second.c_str());
}

int nvmlShutdown() {
  if (const char* log = std::getenv("FAKE_NVML_LOG"))
    std::ofstream(log, std::ios::app) << "shutdown\n";
  return 0;
}

int nvmlDeviceGetCount_v2(unsigned int* count) {
  const auto script = Script();
  const auto found = script.find("count");
  *count = found == script.end() ? 0 : static_cast<unsigned>(std::atoi(found->second.c_str()));
  return 0;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void** device) {
  *device = reinterpret_cast<void*>(static_cast<uintptr_t>(index) + 1);
  return 0;
}

int nvmlDeviceGetName(void* device, char* name, unsigned int length) {
  const auto script = Script();
  const auto found = script.find("name" + std::to_string(Index(device)));
  if (found == script.end()) return kNotSupported;
  std::strncpy(name, found->second.c_str(), length);
  return 0;
}

int nvmlDeviceGetPowerUsage(void* device, unsigned int* milliwatts) {
  return Get(device, "power_mw", milliwatts);
}

int nvmlDeviceGetTotalEnergyConsumption(void* device, unsigned long long* millijoules) {
  const int status = Get(device, "energy_mj", millijoules);
  unsigned long long rate_mw = 0, epoch_ms = 0;
  if (status != 0 || Get(device, "energy_rate_mw", &rate_mw) != 0) return status;
  const auto script = Script();
  if (script.contains("epoch_ms"))
    epoch_ms = std::strtoull(script.at("epoch_ms").c_str(), nullptr, 10);
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const double seconds = static_cast<double>(now.tv_sec) + now.tv_nsec * 1e-9 - epoch_ms * 1e-3;
  *millijoules += static_cast<unsigned long long>(static_cast<double>(rate_mw) * seconds);
  return 0;
}

int nvmlDeviceGetTemperature(void* device, int sensor, unsigned int* celsius) {
  if (sensor != 0) return kInvalidArgument;
  return Get(device, "temp", celsius);
}

int nvmlDeviceGetClockInfo(void* device, int type, unsigned int* mhz) {
  if (type != 1) return kInvalidArgument;
  return Get(device, "sm_clock", mhz);
}

int nvmlDeviceGetCurrentClocksThrottleReasons(void* device, unsigned long long* reasons) {
  return Get(device, "throttle", reasons);
}

}  // extern "C"
