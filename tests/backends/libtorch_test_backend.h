#pragma once

// The LibTorch plugin's two backends, shared by the libtorch test files of one binary.

#include <gtest/gtest.h>

#include <string>

#include "backends/registry.h"

namespace edgebench::backends::testing {

/// One backend per id ("libtorch-eager" or "libtorch-script") for the whole binary, loaded
/// from EDGEBENCH_PLUGIN_DIR. The handles are never destroyed on purpose: unloading
/// libtorch (dlclose) at exit while its OpenMP pool lives is not worth testing.
inline Backend& LibTorchBackend(const std::string& id) {
  static auto* registry = [] {
    auto* r = new BackendRegistry(EDGEBENCH_PLUGIN_DIR);
    r->DeclarePlugin("libtorch-eager", "LibTorch eager", "libedgebench_libtorch.so");
    r->DeclarePlugin("libtorch-script", "LibTorch TorchScript", "libedgebench_libtorch.so");
    return r;
  }();
  static auto* eager = new BackendHandle();
  static auto* script = new BackendHandle();
  BackendHandle& handle = id == "libtorch-eager" ? *eager : *script;
  if (!handle) {
    std::string error;
    handle = registry->Create(id, error);
    if (!handle) ADD_FAILURE() << "cannot create " << id << ": " << error;
  }
  return *handle;
}

}  // namespace edgebench::backends::testing
