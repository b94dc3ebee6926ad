// Writes the ONNX models the CLI tests need and `export-model` cannot produce: one with
// dynamic dims (symbolic batch, height and width) and one with two inputs and two outputs
// whose names are not file names. Usage: write_test_models DIR
#include <cstdio>
#include <fstream>
#include <string>

#include "formats/onnx_test_models.h"

namespace {

using edgebench::formats::onnx_test::DynamicClassifier;
using edgebench::formats::onnx_test::OnnxModelBuilder;
using edgebench::formats::onnx_test::TwoInputs;

bool Write(const std::string& path, const OnnxModelBuilder& model) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << model.Bytes();
  return static_cast<bool>(file.flush());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  if (!Write(dir + "/dynamic.onnx", DynamicClassifier()) ||
      !Write(dir + "/two_inputs.onnx", TwoInputs())) {
    std::perror("write_test_models");
    return 1;
  }
  return 0;
}
