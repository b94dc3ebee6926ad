// Darknet itself (libdarknet), as the oracle of the Darknet import tests, in a process
// of its own because Darknet exit()s or asserts on input it dislikes:
//   darknet_oracle table CFG
//     parses the cfg, which prints Darknet's per-layer table (BFLOPs per convolution)
//     to stderr;
//   darknet_oracle predict CFG WEIGHTS INPUT OUTPUT
//     runs the network once on INPUT (raw f32, C x H x W) and writes raw f32 to OUTPUT:
//     every [yolo]/[region] layer's output in layer order, or else the network output.
#include <darknet.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

bool ReadFloats(const char* path, std::vector<float>& data) {
  FILE* file = std::fopen(path, "rb");
  if (!file) return false;
  const size_t read = std::fread(data.data(), sizeof(float), data.size(), file);
  std::fclose(file);
  return read == data.size();
}

int Predict(std::string cfg, std::string weights, const char* input_path, const char* output_path) {
  network* net = load_network(cfg.data(), weights.data(), 0);
  set_batch_network(net, 1);
  std::vector<float> input(static_cast<size_t>(net->inputs));
  if (!ReadFloats(input_path, input)) {
    std::fprintf(stderr, "cannot read %zu floats from %s\n", input.size(), input_path);
    return 1;
  }
  const float* output = network_predict(net, input.data());
  FILE* file = std::fopen(output_path, "wb");
  if (!file) return 1;
  bool heads = false;
  for (int i = 0; i < net->n; ++i) {
    const layer& l = net->layers[i];
    if (l.type != YOLO && l.type != REGION) continue;
    std::fwrite(l.output, sizeof(float), static_cast<size_t>(l.outputs), file);
    heads = true;
  }
  if (!heads) std::fwrite(output, sizeof(float), static_cast<size_t>(net->outputs), file);
  std::fclose(file);
  free_network(net);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "table" && argc == 3) {
    std::string cfg = argv[2];
    network* net = parse_network_cfg(cfg.data());
    if (!net) return 1;
    free_network(net);
    return 0;
  }
  if (mode == "predict" && argc == 6) return Predict(argv[2], argv[3], argv[4], argv[5]);
  std::fprintf(stderr, "usage: darknet_oracle table CFG | predict CFG WEIGHTS INPUT OUTPUT\n");
  return 2;
}
