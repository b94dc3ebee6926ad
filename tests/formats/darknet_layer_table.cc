// Loads a cfg with Darknet's own parser (libdarknet), which prints its per-layer table
// (with BFLOPs for convolutions) to stderr: the oracle of the Darknet MAC test. A
// separate process because Darknet exit()s or asserts on input it dislikes.
#include <darknet.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: darknet_layer_table CFG\n");
    return 2;
  }
  std::string cfg = argv[1];
  network* net = parse_network_cfg(cfg.data());
  if (!net) return 1;
  free_network(net);
  return 0;
}
