#pragma once

#include <cstdio>
#include <string>

namespace edgebench::cli {

/// Job progress on stderr: a redrawn status line on a terminal, plain lines otherwise
/// (so logs and CI output stay readable).
class Progress {
 public:
  Progress(size_t total, std::FILE* stream = stderr);
  /// Announces the job about to run.
  void Start(size_t index, const std::string& label);
  /// Reports how it ended.
  void Finish(size_t index, const std::string& label, const std::string& outcome);

 private:
  std::string Bar(size_t done) const;

  size_t total_;
  std::FILE* stream_;
  bool interactive_;
};

}  // namespace edgebench::cli
