// Fuzzes the reference-output cache reader (harness/reference_cache.h). Cache files live
// in a user's ~/.cache and may be truncated, from another version or plain garbage; a
// bad one must be refused (false, outputs empty) so it is recomputed, never crash or
// allocate more than the file could hold.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_files.h"
#include "harness/reference_cache.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "%s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using edgebench::backends::HostTensor;
  const edgebench::fuzz::MemoryFile input(data, size);
  std::vector<HostTensor> outputs;
  if (!edgebench::harness::LoadReferenceOutputs(input.path(), outputs)) {
    if (!outputs.empty()) Fail("a refused file left outputs behind");
    return 0;
  }
  for (const HostTensor& tensor : outputs) {
    if (static_cast<int64_t>(tensor.data.size()) != edgebench::ir::ElementCount(tensor.shape)) {
      Fail("a loaded tensor's data does not match its shape");
    }
  }
  // The format has no slack (no padding, trailing bytes are refused), so a file that
  // loads is exactly what SaveReferenceOutputs writes for the same tensors; any other
  // outcome means the reader accepted something the writer never produces.
  const std::string saved = (edgebench::fuzz::ScratchDir() / "saved.ref").string();
  if (!edgebench::harness::SaveReferenceOutputs(saved, outputs)) Fail("cannot save");
  std::ifstream file(saved, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (bytes != std::string(reinterpret_cast<const char*>(data), size)) {
    Fail("a loaded file does not save back to the same bytes");
  }
  return 0;
}
