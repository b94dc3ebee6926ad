#!/usr/bin/env python3
"""PyTorch's own single-batch CPU latency for a torchvision architecture, prepared the way
a PyTorch user deploys it: traced, frozen and optimized for inference (TorchScript).

Usage: pytorch_latency.py MODEL THREADS [MIN_SECONDS]
Prints one line: MODEL THREADS median_ms p10_ms p90_ms samples.
Uses Debian's python3-torch / python3-torchvision (run it with /usr/bin/python3)."""
import statistics
import sys
import time

import torch
import torchvision


def main():
    name, threads = sys.argv[1], int(sys.argv[2])
    min_seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    torch.set_num_threads(threads)
    torch.manual_seed(2019)
    # edgebench ids to torchvision constructors: resnet-18 -> resnet18, mobilenet-v2 -> mobilenet_v2.
    constructor = {"resnet-18": "resnet18", "mobilenet-v2": "mobilenet_v2"}.get(name, name)
    model = getattr(torchvision.models, constructor)(weights=None).eval()
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        scripted = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(model, x)))
        for _ in range(10):  # warm-up, also lets the profiling executor specialise
            scripted(x)
        samples = []
        start = time.perf_counter()
        while time.perf_counter() - start < min_seconds or len(samples) < 20:
            t0 = time.perf_counter()
            scripted(x)
            samples.append(time.perf_counter() - t0)
    samples.sort()
    q = statistics.quantiles(samples, n=10)
    print(f"{name} {threads} {statistics.median(samples) * 1e3:.3f} {q[0] * 1e3:.3f} "
          f"{q[-1] * 1e3:.3f} {len(samples)}")


if __name__ == "__main__":
    main()
