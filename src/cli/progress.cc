#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

namespace edgebench::cli {

Progress::Progress(size_t total, std::FILE* stream)
    : total_(total), stream_(stream), interactive_(isatty(fileno(stream)) != 0) {}

std::string Progress::Bar(size_t done) const {
  constexpr size_t kWidth = 24;
  const size_t filled = total_ == 0 ? kWidth : done * kWidth / total_;
  std::string bar;
  bar.reserve(kWidth + 2);
  bar.push_back('[');
  bar.append(filled, '#');
  bar.append(kWidth - filled, '.');
  bar.push_back(']');
  return bar;
}

void Progress::Start(size_t index, const std::string& label) {
  if (!interactive_) return;
  fmt::print(stream_, "\r\033[K{} {}/{} {} ...", Bar(index), index + 1, total_, label);
  std::fflush(stream_);
}

void Progress::Finish(size_t index, const std::string& label, const std::string& outcome) {
  if (interactive_) fmt::print(stream_, "\r\033[K");
  fmt::print(stream_, "[{}/{}] {}: {}\n", index + 1, total_, label, outcome);
  std::fflush(stream_);
}

}  // namespace edgebench::cli
