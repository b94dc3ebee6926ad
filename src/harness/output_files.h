#pragma once

// File names for tensors named by a model: ONNX names may hold '/', ':', spaces or be
// empty, and two names may map to the same file.

#include <set>
#include <string>
#include <string_view>

namespace edgebench::harness {

/// `name` as a file name stem: letters, digits, '-', '_' and '.' kept, every other byte
/// '_'; never empty, never starting with '.' (no hidden files, no "..") and at most 100
/// bytes.
std::string SafeFileStem(std::string_view name);

/// Hands out distinct file names in one directory: "STEM.EXT", then "STEM_2.EXT", ...
class UniqueFileNames {
 public:
  /// SafeFileStem(name) + "." + extension, made distinct from every name handed out.
  std::string Claim(std::string_view name, std::string_view extension);

 private:
  std::set<std::string> taken_;
};

}  // namespace edgebench::harness
