#include "harness/worker_wrapper.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "formats/darknet_import.h"
#include "formats/model_source.h"

namespace edgebench::harness {
namespace {

namespace fs = std::filesystem;

// Kinds a container may change; time is left out (bwrap never unshares it).
constexpr std::array kNamespaceKinds = {"cgroup", "ipc", "mnt", "net", "pid", "user", "uts"};

std::map<std::string, std::string> ParseNamespaces(const std::string& text) {
  std::map<std::string, std::string> ids;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    const size_t colon = word.find(':');
    if (colon != std::string::npos) ids[word.substr(0, colon)] = word.substr(colon + 1);
  }
  return ids;
}

// The merged-/usr links of the root (/bin -> usr/bin) are recreated as links; a real
// directory of the host is bound read-only.
void AddSystemDirectory(const std::string& path, std::vector<std::string>& argv) {
  std::error_code error;
  const fs::file_status status = fs::symlink_status(path, error);
  if (error || !fs::exists(status)) return;
  if (fs::is_symlink(status)) {
    const fs::path target = fs::read_symlink(path, error);
    if (!error) argv.insert(argv.end(), {"--symlink", target.string(), path});
    return;
  }
  argv.insert(argv.end(), {"--ro-bind", path, path});
}

void AddBind(const char* how, const fs::path& path, std::vector<std::string>& argv) {
  std::error_code error;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(path, error), error);
  if (error || !fs::exists(absolute, error)) return;
  argv.insert(argv.end(), {how, absolute.string(), absolute.string()});
}

// Where a model file (and a Darknet cfg's weights) lies: bound read-only, directory and
// all, since a model may refer to files beside it (ONNX external data).
std::vector<fs::path> ModelDirectories(const std::string& model) {
  if (model.empty() || !formats::IsModelFile(model)) return {};
  std::vector<fs::path> files;
  if (formats::IsDarknetModelRef(model)) {
    const formats::DarknetModelRef ref = formats::ParseDarknetModelRef(model);
    files.push_back(ref.cfg);
    if (!ref.weights.empty()) files.push_back(ref.weights);
  } else {
    files.push_back(model);
  }
  std::vector<fs::path> directories;
  for (const fs::path& file : files) directories.push_back(fs::absolute(file).parent_path());
  return directories;
}

}  // namespace

std::optional<std::vector<std::string>> SplitCommandLine(const std::string& text,
                                                         std::string& error) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (++i == text.size()) {
        error = "the command ends in a lone backslash";
        return std::nullopt;
      }
      word += text[i];
    } else if (c == '\'') {
      const size_t end = text.find('\'', i + 1);
      if (end == std::string::npos) {
        error = "the command has an unbalanced single quote";
        return std::nullopt;
      }
      word += text.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i == text.size()) {
          error = "the command has an unbalanced double quote";
          return std::nullopt;
        }
        if (text[i] == '"') break;
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\'))
          ++i;
        word += text[i];
      }
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) {
    error = "the command is empty";
    return std::nullopt;
  }
  return words;
}

std::string CheckWrapper(const std::string& wrapper) {
  if (wrapper.empty() || wrapper == kBwrapContainer) return {};
  if (wrapper.starts_with("container:")) {
    return fmt::format("unknown built-in container '{}' (known: bwrap)",
                       wrapper.substr(std::string_view("container:").size()));
  }
  std::string error;
  if (!SplitCommandLine(wrapper, error)) return error;
  return {};
}

std::optional<std::string> FindProgram(const std::string& program) {
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::istringstream directories(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    const fs::path candidate = fs::path(directory.empty() ? "." : directory) / program;
    std::error_code error;
    if (fs::is_regular_file(candidate, error) && access(candidate.c_str(), X_OK) == 0) {
      return candidate.string();
    }
  }
  return std::nullopt;
}

std::vector<std::string> BwrapContainerArgv(const WorkerRequest& request,
                                            const std::string& executable) {
  std::vector<std::string> argv = {"bwrap",         "--unshare-user",   "--unshare-pid",
                                   "--unshare-ipc", "--unshare-uts",    "--unshare-net",
                                   "--hostname",    "edgebench-worker", "--die-with-parent"};
  for (const char* path :
       {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"}) {
    AddSystemDirectory(path, argv);
  }
  // CPU topology and frequencies: thread pools and ISA dispatch read them.
  AddSystemDirectory("/sys", argv);
  argv.insert(argv.end(), {"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"});
  AddBind("--ro-bind", executable, argv);
  if (!request.plugin_dir.empty()) AddBind("--ro-bind", request.plugin_dir, argv);
  for (const fs::path& directory : ModelDirectories(request.config.model)) {
    AddBind("--ro-bind", directory, argv);
  }
  for (const InputFile& input : request.input_files) AddBind("--ro-bind", input.path, argv);
  for (const std::string& writable : {request.cache_dir, request.output_dir}) {
    if (writable.empty()) continue;
    std::error_code ignored;
    fs::create_directories(writable, ignored);
    AddBind("--bind", writable, argv);
  }
  argv.insert(argv.end(), {"--chdir", "/"});
  return argv;
}

std::optional<std::vector<std::string>> WorkerCommandLine(const WorkerRequest& request,
                                                          const std::vector<std::string>& worker,
                                                          std::string& error) {
  const std::string& wrapper = request.config.wrapper;
  std::vector<std::string> argv;
  if (wrapper == kBwrapContainer) {
    argv = BwrapContainerArgv(request, worker.front());
    argv.push_back("--");
  } else if (!wrapper.empty()) {
    if (const std::string problem = CheckWrapper(wrapper); !problem.empty()) {
      error = fmt::format("bad launcher command '{}': {}", wrapper, problem);
      return std::nullopt;
    }
    argv = *SplitCommandLine(wrapper, error);
  }
  argv.insert(argv.end(), worker.begin(), worker.end());
  const std::optional<std::string> program = FindProgram(argv.front());
  if (!program) {
    error = wrapper == kBwrapContainer
                ? "the bwrap container needs bubblewrap, and 'bwrap' is not in PATH (Debian: "
                  "apt-get install bubblewrap)"
                : fmt::format("the launcher '{}' was not found in PATH", argv.front());
    return std::nullopt;
  }
  argv.front() = *program;
  return argv;
}

std::string OwnNamespaces() {
  std::string text;
  for (const char* kind : kNamespaceKinds) {
    std::error_code error;
    const fs::path target = fs::read_symlink(fs::path("/proc/self/ns") / kind, error);
    if (error) continue;
    text += text.empty() ? "" : " ";
    text += target.string();
  }
  return text;
}

std::string DifferingNamespaces(const std::string& ours, const std::string& theirs) {
  const std::map<std::string, std::string> a = ParseNamespaces(ours);
  const std::map<std::string, std::string> b = ParseNamespaces(theirs);
  std::string kinds;
  for (const auto& [kind, id] : a) {
    const auto other = b.find(kind);
    if (other == b.end() || other->second == id) continue;
    kinds += kinds.empty() ? "" : ",";
    kinds += kind;
  }
  return kinds;
}

}  // namespace edgebench::harness
