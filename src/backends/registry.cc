#include "backends/registry.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "backends/reference/reference_backend.h"

namespace edgebench::backends {

namespace {

#ifndef EDGEBENCH_BUILT_PLUGINS
#define EDGEBENCH_BUILT_PLUGINS ""
#endif

// Why `library` is not in `dir`: a wrong --plugin-dir or EDGEBENCH_PLUGIN_DIR must not be
// blamed on the build, nor a plugin the build left out on the folder.
std::string MissingPluginReason(const std::string& library, const std::string& dir) {
  const std::string_view built = EDGEBENCH_BUILT_PLUGINS;
  if (built.find(" " + library + " ") == std::string_view::npos) {
    return fmt::format("plugin {} not found in {}: this edgebench was built without it", library,
                       dir);
  }
  std::error_code error;
  const bool dir_exists = std::filesystem::is_directory(dir, error);
  return fmt::format("plugin {} not found in {}{} (check --plugin-dir or EDGEBENCH_PLUGIN_DIR)",
                     library, dir, dir_exists ? "" : ", which is not a folder");
}

}  // namespace

void BackendDeleter::operator()(Backend* backend) const { delete backend; }

BackendRegistry::BackendRegistry(std::string plugin_dir) : plugin_dir_(std::move(plugin_dir)) {}

void BackendRegistry::RegisterBuiltin(std::string id, std::string description, Factory factory) {
  entries_.push_back({std::move(id), std::move(description), std::move(factory), ""});
}

void BackendRegistry::DeclarePlugin(std::string id, std::string description, std::string library) {
  entries_.push_back({std::move(id), std::move(description), nullptr, std::move(library)});
}

const BackendRegistry::Entry* BackendRegistry::Find(const std::string& id) const {
  for (const Entry& entry : entries_) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

bool BackendRegistry::Knows(const std::string& id) const { return Find(id) != nullptr; }

std::vector<std::string> BackendRegistry::Ids() const {
  std::vector<std::string> ids;
  for (const Entry& entry : entries_) ids.push_back(entry.id);
  return ids;
}

BackendHandle BackendRegistry::Create(const std::string& id, std::string& error) const {
  const Entry* entry = Find(id);
  if (entry == nullptr) {
    error = fmt::format("unknown backend '{}'", id);
    return nullptr;
  }
  if (entry->factory) {
    try {
      return BackendHandle(entry->factory().release(), BackendDeleter{});
    } catch (const std::exception& e) {
      error = fmt::format("backend '{}' failed to start: {}", id, e.what());
      return nullptr;
    }
  }
  const std::string path = (std::filesystem::path(plugin_dir_) / entry->library).string();
  if (!std::filesystem::exists(path)) {
    error = MissingPluginReason(entry->library, plugin_dir_);
    return nullptr;
  }
  void* raw = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (raw == nullptr) {
    error = fmt::format("cannot load {}: {}", path, dlerror());
    return nullptr;
  }
  std::shared_ptr<void> library(raw, [](void* handle) { dlclose(handle); });
  auto abi = reinterpret_cast<PluginAbiVersionFn>(dlsym(raw, kPluginAbiSymbol));
  auto create = reinterpret_cast<PluginCreateFn>(dlsym(raw, kPluginCreateSymbol));
  if (abi == nullptr || create == nullptr) {
    error = fmt::format("{} is not an edgebench plugin (missing {} or {})", path, kPluginAbiSymbol,
                        kPluginCreateSymbol);
    return nullptr;
  }
  if (abi() != kPluginAbiVersion) {
    error = fmt::format("{} speaks plugin ABI {}, this edgebench speaks {}", path, abi(),
                        kPluginAbiVersion);
    return nullptr;
  }
  std::array<char, 512> reason{};
  Backend* backend = create(id.c_str(), reason.data(), reason.size());
  if (backend == nullptr) {
    reason.back() = '\0';
    error = reason[0] != '\0' ? reason.data() : "plugin declined to create the backend";
    return nullptr;
  }
  return BackendHandle(backend, BackendDeleter{std::move(library)});
}

std::vector<BackendInfo> BackendRegistry::List() const {
  std::vector<BackendInfo> infos;
  for (const Entry& entry : entries_) {
    BackendInfo info{.id = entry.id,
                     .description = entry.description,
                     .origin = entry.factory ? "built-in" : entry.library};
    std::string error;
    BackendHandle backend = Create(entry.id, error);
    info.available = backend != nullptr;
    if (backend) {
      info.version = backend->Version();
      info.toggles = backend->Toggles();
    } else {
      info.reason = error;
    }
    infos.push_back(std::move(info));
  }
  return infos;
}

std::string DefaultPluginDir() {
  if (const char* dir = std::getenv("EDGEBENCH_PLUGIN_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  std::error_code error;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "plugins";
  return (exe.parent_path() / "plugins").string();
}

BackendRegistry DefaultRegistry(const std::string& plugin_dir) {
  BackendRegistry registry(plugin_dir);
  registry.RegisterBuiltin("reference",
                           "built-in reference engine: naive kernels, double accumulation",
                           [] { return std::make_unique<reference::ReferenceBackend>(); });
  registry.DeclarePlugin("opencv", "OpenCV DNN (CPU)", "libedgebench_opencv.so");
  registry.DeclarePlugin("libtorch-eager", "LibTorch eager (PyTorch dynamic graph)",
                         "libedgebench_libtorch.so");
  registry.DeclarePlugin("libtorch-script", "LibTorch TorchScript (PyTorch static graph)",
                         "libedgebench_libtorch.so");
  registry.DeclarePlugin("onednn", "oneDNN (TensorFlow's CPU engine)", "libedgebench_onednn.so");
  registry.DeclarePlugin("xnnpack", "XNNPACK (TFLite's CPU delegate)", "libedgebench_xnnpack.so");
  registry.DeclarePlugin("darknet", "Darknet", "libedgebench_darknet.so");
  registry.DeclarePlugin("cudnn", "cuDNN / cuBLAS (NVIDIA GPU)", "libedgebench_cudnn.so");
  return registry;
}

}  // namespace edgebench::backends
