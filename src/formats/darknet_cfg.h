#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgebench::formats {

/// One `key=value` line of a Darknet cfg section.
struct DarknetOption {
  std::string key;
  std::string value;
  int line = 0;  // 1-based line in the cfg file
};

/// One `[type]` section of a Darknet cfg with its options, in file order. The typed
/// getters read values the way Darknet's option_find_* do (the first occurrence of a key
/// wins), but strictly: "3x" is not an integer here (Darknet's atoi would read 3).
/// Errors throw FormatError naming the file, the line and the section.
class DarknetSection {
 public:
  DarknetSection(std::string file, std::string type, int line)
      : file_(std::move(file)), type_(std::move(type)), line_(line) {}

  const std::string& type() const { return type_; }
  int line() const { return line_; }
  const std::vector<DarknetOption>& options() const { return options_; }
  void Add(DarknetOption option) { options_.push_back(std::move(option)); }

  bool Has(const std::string& key) const { return Find(key) != nullptr; }
  int64_t Int(const std::string& key, int64_t fallback) const;
  int64_t RequiredInt(const std::string& key) const;
  float Float(const std::string& key, float fallback) const;
  std::string String(const std::string& key, const std::string& fallback) const;
  /// A comma-separated list of integers ("-1, 61"); empty when the key is absent.
  std::vector<int64_t> IntList(const std::string& key) const;

  /// "yolov3.cfg:12: [convolutional]" -- the prefix of every message about this section.
  std::string Where() const;
  /// The same pointing at the line of `key` when the section has it.
  std::string Where(const std::string& key) const;

 private:
  const DarknetOption* Find(const std::string& key) const;

  std::string file_;
  std::string type_;
  int line_ = 0;
  std::vector<DarknetOption> options_;
};

/// Splits a Darknet cfg into sections as Darknet's read_cfg does: whitespace anywhere in
/// a line is dropped, lines starting with '#' or ';' and empty lines are comments, "[x]"
/// opens a section, anything else must be key=value. `file` labels error messages.
/// Throws FormatError for an option before the first section, a line that is neither, a
/// malformed section header, or more than `max_bytes` of text / `max_sections` sections.
std::vector<DarknetSection> ParseDarknetCfg(const std::string& text, const std::string& file,
                                            int64_t max_bytes = int64_t{4} << 20,
                                            int64_t max_sections = 10000);

}  // namespace edgebench::formats
