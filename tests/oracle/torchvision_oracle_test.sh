#!/usr/bin/env bash
# PyTorch itself as the oracle: torchvision's architectures exported by torch.onnx.export
# (opsets 11 and 13, symbolic batch dim) must import with --input-shape, the reference
# engine's output must match PyTorch's own on the same input (relative L2 <= 1e-4), and
# every backend that supports a model must pass `verify` on it (opset 13 export).
#
# Usage: torchvision_oracle_test.sh EDGEBENCH WORKDIR [MODEL,MODEL...]
# The exports are kept in WORKDIR and redone only when the export script changes.
set -u
bin="$1"
work="$2"
script_dir="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3
all_models=mobilenet_v3_small,mobilenet_v3_large,efficientnet_b0,shufflenet_v2_x1_0,squeezenet1_1,googlenet,regnet_y_400mf,densenet121,convnext_tiny,vit_b_16
models="${3:-$all_models}"
opsets=(11 13)
backends=opencv,libtorch-eager,libtorch-script
shape=1x3x224x224
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

mkdir -p "$work"
stamp="$work/exported-$(sha256sum "$script_dir/export_torchvision.py" | cut -c1-16)-${models//,/_}"
if [ ! -f "$stamp" ]; then
  if ! "$python" "$script_dir/export_torchvision.py" "$work/models" --models "$models"; then
    echo "FAIL: exporting with PyTorch (python3-torch, python3-torchvision) failed"
    exit 1
  fi
  touch "$stamp"
fi

for name in ${models//,/ }; do
  for opset in "${opsets[@]}"; do
    model="$work/models/${name}_opset${opset}.onnx"
    out="$work/out/${name}_opset${opset}"
    rm -rf "$out"
    if ! "$bin" infer "$model" --backend reference --input-shape "$shape" \
        --input "$work/models/${name}_input.npy" -o "$out" --cache-dir "$work/cache" \
        >"$work/infer.log" 2>&1; then
      fail "$name opset $opset: infer failed: $(tail -3 "$work/infer.log")"
      continue
    fi
    if ! "$python" - "$out/logits.npy" "$work/models/${name}_opset${opset}_expected.npy" \
        "$name opset $opset" <<'PY'
import sys
import numpy as np
actual, expected, label = np.load(sys.argv[1]), np.load(sys.argv[2]), sys.argv[3]
if actual.shape != expected.shape:
    sys.exit(f"{label}: shape {actual.shape} != PyTorch's {expected.shape}")
rel = float(np.linalg.norm((actual - expected).ravel()) /
            max(np.linalg.norm(expected.ravel()), 1e-30))
print(f"{label}: reference vs PyTorch rel L2 {rel:.2e}")
sys.exit(0 if rel <= 1e-4 else f"{label}: rel L2 {rel:.2e} > 1e-4")
PY
    then
      fail "$name opset $opset: reference output differs from PyTorch's"
    fi
    # Backends are verified on one export per architecture: the opsets differ only in how
    # the importer sees the graph, which the reference comparison above already covers.
    [ "$opset" = "${opsets[-1]}" ] || continue
    if ! "$bin" verify --model "$model" --input-shape "$shape" --backends "$backends" \
        --format json --db "$work/verify.db" --cache-dir "$work/cache" \
        >"$work/verify.json" 2>"$work/verify.log"; then
      fail "$name opset $opset: verify exited non-zero: $(tail -3 "$work/verify.log")"
      continue
    fi
    if ! "$python" - "$work/verify.json" "$name opset $opset" <<'PY'
import json, sys
rows, label = json.load(open(sys.argv[1])), sys.argv[2]
bad = 0
for row in rows:
    line = f"{label} on {row['backend']}: {row['status']}"
    if row["status"] == "ok":
        line += f" (rel L2 {row['rel_l2_error']:.2e})"
    elif row["status"] == "unsupported":
        line += f" ({row['detail'][:120]})"
    else:
        line += f" -- {row['detail'][:200]}"
        bad += 1
    print(line)
sys.exit(1 if bad else 0)
PY
    then
      fail "$name opset $opset: a backend that runs it failed verification"
    fi
  done
done

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "torchvision oracle: all models match PyTorch"
