#pragma once

// Whole small models several tests run end to end (the CLI contract through
// write_test_models, the worker tests directly): shapes export-model cannot write.

#include "onnx_test_model.h"

namespace edgebench::formats::onnx_test {

// Conv 3x3 (pad 1) -> Relu -> GlobalAveragePool -> Flatten -> Gemm: runs at any N, H, W.
inline OnnxModelBuilder DynamicClassifier() {
  OnnxModelBuilder b;
  b.SymbolicInput("x", {"batch", "3", "height", "width"}).Output("scores");
  b.Initializer("w", {8, 3, 3, 3}, TestValues(8 * 3 * 3 * 3, 1));
  b.Initializer("b", {8}, TestValues(8, 2));
  b.Initializer("fc_w", {10, 8}, TestValues(10 * 8, 3));
  b.Initializer("fc_b", {10}, TestValues(10, 4));
  SetInts(b.Node("Conv", {"x", "w", "b"}, {"conv"}), "pads", {1, 1, 1, 1});
  b.Node("Relu", {"conv"}, {"relu"});
  b.Node("GlobalAveragePool", {"relu"}, {"pool"});
  b.Node("Flatten", {"pool"}, {"flat"});
  SetInt(b.Node("Gemm", {"flat", "fc_w", "fc_b"}, {"scores"}), "transB", 1);
  return b;
}

// image [1,3,8,8] -> Conv -> + mask [1,4,8,8] -> Relu -> "features/map" and, pooled and
// classified, "head:logits" [1,5].
inline OnnxModelBuilder TwoInputs() {
  OnnxModelBuilder b;
  b.Input("image", {1, 3, 8, 8}).Input("mask", {1, 4, 8, 8});
  b.Output("head:logits").Output("features/map");
  b.Initializer("w", {4, 3, 3, 3}, TestValues(4 * 3 * 3 * 3, 5));
  b.Initializer("fc_w", {5, 4}, TestValues(5 * 4, 6));
  SetInts(b.Node("Conv", {"image", "w"}, {"conv"}), "pads", {1, 1, 1, 1});
  b.Node("Add", {"conv", "mask"}, {"sum"});
  b.Node("Relu", {"sum"}, {"features/map"});
  b.Node("GlobalAveragePool", {"features/map"}, {"pool"});
  b.Node("Flatten", {"pool"}, {"flat"});
  SetInt(b.Node("Gemm", {"flat", "fc_w"}, {"head:logits"}), "transB", 1);
  return b;
}

}  // namespace edgebench::formats::onnx_test
