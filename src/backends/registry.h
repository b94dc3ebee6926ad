#pragma once

#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backends/backend.h"

namespace edgebench::backends {

/// Entry points a backend plugin library exports (C linkage, looked up with dlsym).
/// A plugin may serve several backend ids (e.g. libtorch-eager and libtorch-script).
// 2: SessionKeepsGraph; 3: Toggles; 4: Session::EnableProfiling and LastProfile.
inline constexpr int kPluginAbiVersion = 4;
inline constexpr const char* kPluginAbiSymbol = "edgebench_backend_abi_version";
inline constexpr const char* kPluginCreateSymbol = "edgebench_create_backend";
/// int edgebench_backend_abi_version(void);
using PluginAbiVersionFn = int (*)();
/// Backend* edgebench_create_backend(const char* id, char* error, size_t error_size);
/// Returns nullptr and writes a reason into `error` when the backend cannot start
/// (e.g. no GPU).
using PluginCreateFn = Backend* (*)(const char* id, char* error, size_t error_size);

/// Marks a plugin's two entry points: C linkage, visible although plugins are built with
/// hidden symbols (so their copies of edgebench's code never clash with the host's).
#define EDGEBENCH_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

/// The body of edgebench_create_backend for a plugin serving the one id `served`: calls
/// `make(why)`, which returns the backend or nullptr after writing why it cannot start,
/// and turns a wrong id, that reason or an exception into the message in `error`.
template <typename Make>
Backend* CreatePluginBackend(const char* served, const char* id, char* error, size_t error_size,
                             Make make) noexcept {
  try {
    if (std::string_view(id) != served) {
      std::snprintf(error, error_size, "the %s plugin serves '%s', not '%s'", served, served, id);
      return nullptr;
    }
    std::string why;
    if (std::unique_ptr<Backend> backend = make(why)) return backend.release();
    std::snprintf(error, error_size, "%s", why.c_str());
  } catch (const std::exception& failure) {
    std::snprintf(error, error_size, "cannot create the %s backend: %s", served, failure.what());
  }
  return nullptr;
}

/// Defines both entry points of a plugin serving one id whose backend `make(why)` creates
/// (see CreatePluginBackend).
#define EDGEBENCH_DEFINE_PLUGIN(served, make)                                             \
  EDGEBENCH_PLUGIN_EXPORT int edgebench_backend_abi_version() {                           \
    return edgebench::backends::kPluginAbiVersion;                                        \
  }                                                                                       \
  EDGEBENCH_PLUGIN_EXPORT edgebench::backends::Backend* edgebench_create_backend(         \
      const char* id, char* error, size_t error_size) {                                   \
    return edgebench::backends::CreatePluginBackend(served, id, error, error_size, make); \
  }

/// Deletes a backend, then releases the plugin library that holds its code.
struct BackendDeleter {
  std::shared_ptr<void> library;
  void operator()(Backend* backend) const;
};
using BackendHandle = std::unique_ptr<Backend, BackendDeleter>;

/// What `edgebench backends` lists for one backend.
struct BackendInfo {
  std::string id;
  std::string description;
  bool available = false;
  std::string version;                      // when available
  std::string reason;                       // when not
  std::string origin;                       // "built-in" or the plugin file
  std::vector<OptimizationToggle> toggles;  // when available
};

/// Built-in backends (compiled in, always available) and framework plugins (separate
/// libraries loaded with dlopen from a plugin directory, so a missing framework costs a
/// "not available" line instead of the whole binary).
class BackendRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Backend>()>;

  explicit BackendRegistry(std::string plugin_dir);

  void RegisterBuiltin(std::string id, std::string description, Factory factory);
  /// Declares a backend served by `library` (a file name inside the plugin directory).
  void DeclarePlugin(std::string id, std::string description, std::string library);

  /// Every known backend, loading each plugin to learn whether it is usable.
  std::vector<BackendInfo> List() const;
  /// Ids in registration order.
  std::vector<std::string> Ids() const;
  bool Knows(const std::string& id) const;

  /// Creates the backend; on failure returns null and sets `error`.
  BackendHandle Create(const std::string& id, std::string& error) const;

  const std::string& plugin_dir() const { return plugin_dir_; }

 private:
  struct Entry {
    std::string id;
    std::string description;
    Factory factory;      // built-in
    std::string library;  // plugin
  };
  const Entry* Find(const std::string& id) const;

  std::string plugin_dir_;
  std::vector<Entry> entries_;
};

/// Directory searched for plugins: $EDGEBENCH_PLUGIN_DIR, else "plugins" next to the
/// running executable.
std::string DefaultPluginDir();

/// The registry with every built-in backend and every plugin edgebench knows of.
BackendRegistry DefaultRegistry(const std::string& plugin_dir = DefaultPluginDir());

}  // namespace edgebench::backends
