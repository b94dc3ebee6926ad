#pragma once

// The source study's published results and devices (data/reference, compiled in), shown
// in reports as reference devices beside the user's own.

#include <string>
#include <string_view>
#include <vector>

namespace edgebench::report {

/// One published number: e.g. fig2, rpi3, tflite, resnet-18, latency_ms, 870, L.
struct PaperResult {
  std::string figure;
  std::string device;
  std::string framework;
  std::string model;
  std::string metric;  // latency_ms, energy_mj, power_w or temp_c
  double value = 0;
  /// How it was read: T (text), L (printed label), E (estimated from geometry), C (computed).
  std::string source;
};

/// One platform of the study's Table III.
struct PaperDevice {
  std::string device;
  std::string category;  // iot-edge, gpu-edge, asic-edge, fpga-edge, hpc-cpu, hpc-gpu
  std::string cpu;
  std::string accelerator;
};

/// The raw CSV texts (comment lines start with '#').
std::string_view PaperResultsCsv();
std::string_view PaperDevicesCsv();

/// The parsed tables; throws std::runtime_error naming the line if the compiled-in data
/// is malformed (a build defect, caught by the tests).
const std::vector<PaperResult>& PaperResults();
const std::vector<PaperDevice>& PaperDevices();

}  // namespace edgebench::report
