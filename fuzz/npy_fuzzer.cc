// Fuzzes the .npy reader (formats/npy.h). `edgebench infer --input` reads users' files,
// which may be truncated, from another tool or hostile: a bad one must be refused with
// NpyError, never crash, trip ASan/UBSan or allocate beyond what the file could hold.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "formats/npy.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "%s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using edgebench::formats::NpyArray;
  using edgebench::formats::NpyError;
  NpyArray array;
  try {
    array =
        edgebench::formats::ReadNpy(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const NpyError&) {
    return 0;  // the documented refusal
  }
  uint64_t elements = 1;
  for (int64_t dim : array.shape) {
    if (dim < 0) Fail("a loaded shape has a negative dim");
    elements *= static_cast<uint64_t>(dim);
  }
  if (elements != array.data.size()) Fail("a loaded array's data does not match its shape");
  // Whatever was read, the writer must write and the reader read back bit for bit (f32).
  NpyArray again;
  try {
    again = edgebench::formats::ReadNpy(edgebench::formats::WriteNpy(array.shape, array.data));
  } catch (const NpyError&) {
    Fail("a loaded array does not write and read back");
  }
  if (again.shape != array.shape || again.data.size() != array.data.size() ||
      (!array.data.empty() &&
       std::memcmp(again.data.data(), array.data.data(), array.data.size() * sizeof(float)) != 0)) {
    Fail("a loaded array changes through the writer");
  }
  return 0;
}
