#!/usr/bin/python3
"""Exports torchvision models to ONNX with PyTorch's own exporter and records PyTorch's
outputs, so edgebench's importer and engines can be checked against an independent oracle.

For every model and opset: MODEL_opsetN.onnx (symbolic batch dim "batch"), MODEL_input.npy
(seeded, batch 1) and MODEL_opsetN_expected.npy (PyTorch eager output on that input).
Weights are torchvision's own random initialization under a fixed seed: no downloads.
"""
import argparse
import os
import sys
import warnings

import numpy as np
import torch
import torchvision

# Constructor arguments that make each architecture deterministic and single-output in
# eval mode without pretrained weights.
MODELS = {
    "mobilenet_v3_small": {},
    "mobilenet_v3_large": {},
    "efficientnet_b0": {},
    "shufflenet_v2_x1_0": {},
    "squeezenet1_1": {},
    "googlenet": {"aux_logits": False, "init_weights": True},
    "regnet_y_400mf": {},
    "densenet121": {},
    "convnext_tiny": {},
    "vit_b_16": {},
}


def make_informative(model):
    """torchvision zero-initializes ViT's classifier head, and under GoogLeNet's and
    ShuffleNet's own random initialization the activations fade: either way the logits
    barely depend on the input, and a comparison of them could hardly fail. Fan-in scaled
    weights keep every layer's output alive."""
    for module in model.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")
            if module.bias is not None:
                torch.nn.init.uniform_(module.bias, -0.1, 0.1)


# Architectures whose own random initialization gives input-independent logits.
NEEDS_INFORMATIVE_INIT = {"googlenet", "shufflenet_v2_x1_0", "vit_b_16"}


def export(name, opset, size, out_dir):
    torch.manual_seed(2019)
    model = getattr(torchvision.models, name)(weights=None, **MODELS[name]).eval()
    if name in NEEDS_INFORMATIVE_INIT:
        make_informative(model)
    generator = np.random.default_rng(7)
    x = generator.uniform(-1.0, 1.0, size=(1, 3, size, size)).astype(np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
        # The comparison is only a check if the logits depend on the input.
        other = model(torch.from_numpy(-x)).numpy()
    change = np.linalg.norm(expected - other) / max(np.linalg.norm(expected), 1e-30)
    if change < 1e-3:
        sys.exit(f"{name}: logits change by {change:.1e} between inputs: nothing to check")
    path = os.path.join(out_dir, f"{name}_opset{opset}.onnx")
    # Exported with autograd on: without it, nn.MultiheadAttention (ViT) takes its fused
    # fast path, an operator torch.onnx has no symbolic for.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.from_numpy(x), path, opset_version=opset,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                          do_constant_folding=True)
    np.save(os.path.join(out_dir, f"{name}_input.npy"), x)
    np.save(os.path.join(out_dir, f"{name}_opset{opset}_expected.npy"), expected)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--opsets", default="11,13")
    parser.add_argument("--size", type=int, default=224)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    torch.set_num_threads(1)
    for name in args.models.split(","):
        if name not in MODELS:
            sys.exit(f"unknown model {name}; known: {', '.join(MODELS)}")
        for opset in (int(o) for o in args.opsets.split(",")):
            export(name, opset, args.size, args.out_dir)
            print(f"exported {name} opset {opset}", flush=True)


if __name__ == "__main__":
    main()
