// A backend plugin built only for the tests: proves the registry's dlopen path end to
// end (ABI check, creation by id, refusal with a reason) with a real shared library.
#include <cstdio>
#include <cstring>

#include "backends/reference/reference_backend.h"
#include "backends/registry.h"

namespace {

class PluginBackend final : public edgebench::backends::Backend {
 public:
  std::string Id() const override { return "test-plugin"; }
  std::string Version() const override { return "test-plugin 1.0"; }
  edgebench::backends::Support Supports(const edgebench::ir::Graph&,
                                        const edgebench::ir::Node& node) const noexcept override {
    if (node.op == edgebench::ir::OpKind::kLrn) return {false, "no LRN in this plugin"};
    return {};
  }
  edgebench::backends::Status Prepare(
      const edgebench::ir::Graph& graph, const edgebench::backends::BackendOptions& options,
      std::unique_ptr<edgebench::backends::Session>& session) noexcept override {
    return reference_.Prepare(graph, options, session);
  }

 private:
  edgebench::backends::reference::ReferenceBackend reference_;
};

}  // namespace

EDGEBENCH_PLUGIN_EXPORT int edgebench_backend_abi_version() { return edgebench::backends::kPluginAbiVersion; }

EDGEBENCH_PLUGIN_EXPORT edgebench::backends::Backend* edgebench_create_backend(const char* id, char* error,
                                                                  size_t error_size) {
  if (std::strcmp(id, "test-plugin") == 0) return new PluginBackend();
  std::snprintf(error, error_size, "test plugin has no device for '%s'", id);
  return nullptr;
}
