// NVML through dlopen: a machine without the NVIDIA driver must run edgebench, so the
// library is never linked. The declarations follow NVML's documented C API: every call
// returns nvmlReturn_t (0 = NVML_SUCCESS), devices are opaque handles.
#include "sensors/nvml_source.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <cstdlib>
#include <memory>

#include "sensors/throttle_flags.h"

namespace edgebench::sensors {
namespace {

using NvmlReturn = int;    // nvmlReturn_t
using NvmlDevice = void*;  // nvmlDevice_t
constexpr NvmlReturn kNvmlSuccess = 0;
constexpr int kNvmlTemperatureGpu = 0;  // NVML_TEMPERATURE_GPU
constexpr int kNvmlClockSm = 1;         // NVML_CLOCK_SM

// The loaded library and the functions used; shared by every source it made.
class NvmlLibrary {
 public:
  // Loads the library and initialises NVML; nullptr with `why` set when either fails.
  static std::shared_ptr<NvmlLibrary> Load(std::string& why) {
    const std::string name = NvmlLibraryName();
    void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* error = dlerror();
      why = fmt::format("no NVML ({} cannot be loaded: {})", name, error ? error : "unknown");
      return nullptr;
    }
    auto library = std::shared_ptr<NvmlLibrary>(new NvmlLibrary(handle));
    if (!library->Resolve(why)) return nullptr;
    const NvmlReturn init = library->init_();
    if (init != kNvmlSuccess) {
      why = fmt::format("NVML from {} did not initialise (nvmlInit_v2 returned {})", name, init);
      library->shutdown_ = nullptr;  // nothing to shut down
      return nullptr;
    }
    return library;
  }

  ~NvmlLibrary() {
    if (shutdown_ != nullptr) shutdown_();
    dlclose(handle_);
  }
  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;

  NvmlReturn (*init_)() = nullptr;
  NvmlReturn (*shutdown_)() = nullptr;
  NvmlReturn (*count_)(unsigned int*) = nullptr;
  NvmlReturn (*handle_by_index_)(unsigned int, NvmlDevice*) = nullptr;
  NvmlReturn (*name_)(NvmlDevice, char*, unsigned int) = nullptr;
  NvmlReturn (*power_usage_)(NvmlDevice, unsigned int*) = nullptr;
  NvmlReturn (*total_energy_)(NvmlDevice, unsigned long long*) = nullptr;
  NvmlReturn (*temperature_)(NvmlDevice, int, unsigned int*) = nullptr;
  NvmlReturn (*clock_info_)(NvmlDevice, int, unsigned int*) = nullptr;
  NvmlReturn (*throttle_reasons_)(NvmlDevice, unsigned long long*) = nullptr;

 private:
  explicit NvmlLibrary(void* handle) : handle_(handle) {}

  template <typename Function>
  bool Bind(Function& function, const char* symbol, std::string& why) {
    function = reinterpret_cast<Function>(dlsym(handle_, symbol));
    if (function == nullptr) why = fmt::format("{} lacks {}", NvmlLibraryName(), symbol);
    return function != nullptr;
  }
  bool Resolve(std::string& why) {
    // shutdown_ is bound last: a library missing a symbol was never initialised.
    NvmlReturn (*shutdown)() = nullptr;
    const bool ok = Bind(init_, "nvmlInit_v2", why) && Bind(shutdown, "nvmlShutdown", why) &&
                    Bind(count_, "nvmlDeviceGetCount_v2", why) &&
                    Bind(handle_by_index_, "nvmlDeviceGetHandleByIndex_v2", why) &&
                    Bind(name_, "nvmlDeviceGetName", why) &&
                    Bind(power_usage_, "nvmlDeviceGetPowerUsage", why) &&
                    Bind(total_energy_, "nvmlDeviceGetTotalEnergyConsumption", why) &&
                    Bind(temperature_, "nvmlDeviceGetTemperature", why) &&
                    Bind(clock_info_, "nvmlDeviceGetClockInfo", why) &&
                    Bind(throttle_reasons_, "nvmlDeviceGetCurrentClocksThrottleReasons", why);
    if (ok) shutdown_ = shutdown;
    return ok;
  }

  void* handle_;
};

enum class NvmlQuantity { kEnergy, kPower, kTemperature, kSmClock, kThrottleReasons };

class NvmlSource final : public SensorSource {
 public:
  NvmlSource(SensorInfo info, std::shared_ptr<NvmlLibrary> library, NvmlDevice device,
             NvmlQuantity quantity)
      : SensorSource(std::move(info)),
        library_(std::move(library)),
        device_(device),
        quantity_(quantity) {}

  SensorReading Read() const noexcept override {
    const NvmlLibrary& nvml = *library_;
    NvmlReturn status = kNvmlSuccess;
    switch (quantity_) {
      case NvmlQuantity::kEnergy: {
        unsigned long long millijoules = 0;
        status = nvml.total_energy_(device_, &millijoules);
        if (status == kNvmlSuccess) return Present(static_cast<double>(millijoules) / 1e3);
        break;
      }
      case NvmlQuantity::kPower: {
        unsigned int milliwatts = 0;
        status = nvml.power_usage_(device_, &milliwatts);
        if (status == kNvmlSuccess) return Present(static_cast<double>(milliwatts) / 1e3);
        break;
      }
      case NvmlQuantity::kTemperature: {
        unsigned int celsius = 0;
        status = nvml.temperature_(device_, kNvmlTemperatureGpu, &celsius);
        if (status == kNvmlSuccess) return Present(static_cast<double>(celsius));
        break;
      }
      case NvmlQuantity::kSmClock: {
        unsigned int mhz = 0;
        status = nvml.clock_info_(device_, kNvmlClockSm, &mhz);
        if (status != kNvmlSuccess) break;
        unsigned long long reasons = 0;
        std::string detail;
        if (nvml.throttle_reasons_(device_, &reasons) == kNvmlSuccess && reasons != 0) {
          try {
            detail = fmt::format("throttle reasons 0x{:x}", reasons);
          } catch (...) {
          }
        }
        return Present(static_cast<double>(mhz), std::move(detail));
      }
      case NvmlQuantity::kThrottleReasons: {
        unsigned long long reasons = 0;
        status = nvml.throttle_reasons_(device_, &reasons);
        if (status != kNvmlSuccess) break;
        std::string detail;
        try {
          detail = DescribeNvmlReasons(reasons);
        } catch (...) {
        }
        return Present(static_cast<double>(reasons), std::move(detail));
      }
    }
    try {
      return Absent(fmt::format("NVML returned {} for {}", status, info().id));
    } catch (...) {
      return Absent({});
    }
  }

 private:
  std::shared_ptr<NvmlLibrary> library_;
  NvmlDevice device_;
  NvmlQuantity quantity_;
};

}  // namespace

std::string NvmlLibraryName() {
  const char* name = std::getenv("EDGEBENCH_NVML_LIBRARY");
  if (name != nullptr && name[0] != '\0') return name;
  return "libnvidia-ml.so.1";
}

SensorSources DiscoverNvml(std::string* why_none) {
  SensorSources sources;
  try {
    std::string why;
    std::shared_ptr<NvmlLibrary> nvml = NvmlLibrary::Load(why);
    if (!nvml) {
      if (why_none) *why_none = why;
      return sources;
    }
    unsigned int count = 0;
    if (nvml->count_(&count) != kNvmlSuccess) count = 0;
    for (unsigned int index = 0; index < count && index < 64; ++index) {
      NvmlDevice device = nullptr;
      if (nvml->handle_by_index_(index, &device) != kNvmlSuccess) continue;
      char name[96] = {};
      if (nvml->name_(device, name, sizeof(name) - 1) != kNvmlSuccess) name[0] = '\0';
      const std::string gpu = "gpu" + std::to_string(index);
      const std::string label = name[0] != '\0' ? std::string(name) : gpu;
      for (const auto& [quantity, suffix, kind] :
           {std::tuple{NvmlQuantity::kEnergy, "energy", SensorKind::kEnergyCounter},
            std::tuple{NvmlQuantity::kPower, "power", SensorKind::kPower},
            std::tuple{NvmlQuantity::kTemperature, "temp", SensorKind::kTemperature},
            std::tuple{NvmlQuantity::kSmClock, "sm-clock", SensorKind::kClock},
            std::tuple{NvmlQuantity::kThrottleReasons, "throttle", SensorKind::kThrottleFlags}}) {
        auto source =
            std::make_shared<NvmlSource>(SensorInfo{.id = "nvml:" + gpu + ":" + suffix,
                                                    .kind = kind,
                                                    .unit = std::string(KindUnit(kind)),
                                                    .boundary = "gpu:" + std::to_string(index),
                                                    .label = label,
                                                    .path = NvmlLibraryName(),
                                                    .throttling_now_mask = kNvmlThrottlingMask},
                                         nvml, device, quantity);
        if (source->Read().value) sources.push_back(std::move(source));
      }
    }
    if (sources.empty() && why_none) *why_none = fmt::format("NVML reports {} usable GPUs", count);
  } catch (const std::exception&) {
    // Allocation failure: the sources found so far.
  }
  return sources;
}

}  // namespace edgebench::sensors
