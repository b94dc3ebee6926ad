#include "harness/reference_cache.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace edgebench::harness {
namespace {

constexpr char kMagic[8] = {'E', 'B', 'R', 'E', 'F', '0', '0', '1'};
constexpr uint32_t kMaxOutputs = 64;
constexpr uint32_t kMaxRank = 8;

template <typename T>
bool ReadValue(std::ifstream& in, T& value) {
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&value), sizeof(T)));
}

template <typename T>
void WriteValue(std::ofstream& out, const T& value) {
  out.write(reinterpret_cast<const char*>(&value), sizeof(T));
}

std::string SafeFileName(const std::string& text) {
  std::string name;
  for (char ch : text)
    name += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-') ? ch : '_';
  return name;
}

}  // namespace

std::string DefaultCacheDir() {
  if (const char* dir = std::getenv("EDGEBENCH_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return (std::filesystem::path(xdg) / "edgebench").string();
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return (std::filesystem::path(home) / ".cache" / "edgebench").string();
  }
  return ".edgebench-cache";
}

std::string ReferenceCachePath(const std::string& cache_dir, const std::string& model_id,
                               uint64_t weight_seed, uint64_t weights_digest,
                               const std::string& engine_revision, const std::string& variant) {
  return (std::filesystem::path(cache_dir) / "reference" /
          fmt::format("{}-seed{}-{:016x}-ref{}{}{}.ref", SafeFileName(model_id), weight_seed,
                      weights_digest, SafeFileName(engine_revision), variant.empty() ? "" : "-",
                      SafeFileName(variant)))
      .string();
}

bool LoadReferenceOutputs(const std::string& path, std::vector<backends::HostTensor>& outputs) {
  outputs.clear();
  std::error_code error;
  const auto file_size = std::filesystem::file_size(path, error);
  if (error) return false;
  std::ifstream in(path, std::ios::binary);
  char magic[8];
  uint32_t count = 0;
  if (!in.read(magic, sizeof(magic)) || std::memcmp(magic, kMagic, sizeof(kMagic)) != 0 ||
      !ReadValue(in, count) || count == 0 || count > kMaxOutputs) {
    return false;
  }
  uint64_t remaining = file_size;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t rank = 0;
    if (!ReadValue(in, rank) || rank > kMaxRank) return outputs.clear(), false;
    ir::Shape shape(rank);
    uint64_t elements = 1;
    for (int64_t& dim : shape) {
      // Bounded before multiplying: a product that wrapped around (4 x 2^62 = 0) would pass
      // a check made after it and yield a tensor whose shape promises more than its data.
      if (!ReadValue(in, dim) || dim <= 0 ||
          static_cast<uint64_t>(dim) > remaining / sizeof(float) / elements) {
        return outputs.clear(), false;
      }
      elements *= static_cast<uint64_t>(dim);
    }
    backends::HostTensor tensor(shape);
    if (!in.read(reinterpret_cast<char*>(tensor.data.data()),
                 static_cast<std::streamsize>(elements * sizeof(float)))) {
      return outputs.clear(), false;
    }
    remaining -= elements * sizeof(float);
    outputs.push_back(std::move(tensor));
  }
  if (in.peek() != std::char_traits<char>::eof()) return outputs.clear(), false;
  return true;
}

bool SaveReferenceOutputs(const std::string& path,
                          const std::vector<backends::HostTensor>& outputs) {
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
  if (error) return false;
  const std::string temporary = fmt::format("{}.tmp{}", path, getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(kMagic, sizeof(kMagic));
    WriteValue(out, static_cast<uint32_t>(outputs.size()));
    for (const backends::HostTensor& tensor : outputs) {
      WriteValue(out, static_cast<uint32_t>(tensor.shape.size()));
      for (int64_t dim : tensor.shape) WriteValue(out, dim);
      out.write(reinterpret_cast<const char*>(tensor.data.data()),
                static_cast<std::streamsize>(tensor.data.size() * sizeof(float)));
    }
    if (!out.flush()) {
      std::filesystem::remove(temporary, error);
      return false;
    }
  }
  std::filesystem::rename(temporary, path, error);
  if (error) std::filesystem::remove(temporary, error);
  return !error;
}

}  // namespace edgebench::harness
