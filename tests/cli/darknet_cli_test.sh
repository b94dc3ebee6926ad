#!/usr/bin/env bash
# Darknet cfgs as users give them to the CLI: `models --show`, `verify`/`run --model
# FILE.cfg [--weights FILE.weights]` and `infer FILE.cfg --weights ...`. The weights file
# is written here with Python's standard library (Darknet's layout, independent of
# edgebench's reader); bad weights and misplaced --weights exit non-zero with a message.
# Usage: darknet_cli_test.sh EDGEBENCH
set -u
bin="$1"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
common=(--cache-dir "$work/cache" --db "$work/results.db")

cat >"$work/net.cfg" <<'CFG'
[net]
width=8
height=8
channels=3

[convolutional]
batch_normalize=1
filters=4
size=3
stride=1
pad=1
activation=leaky

[maxpool]
size=2
stride=2

[connected]
output=5
activation=linear

[softmax]
CFG
# conv: biases 4, scales 4, means 4, variances 4, weights 4*3*3*3; fc: biases 5, 5*64.
python3 - "$work/net.weights" <<'PY'
import struct, sys
values = [0.1] * 4 + [1.0] * 4 + [0.0] * 4 + [1.0] * 4 + [0.01 * i for i in range(108)]
values += [0.0] * 5 + [0.001 * i for i in range(320)]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<iiiQ", 0, 2, 0, 0) + struct.pack("<%df" % len(values), *values))
PY
head -c 100 "$work/net.weights" >"$work/short.weights"

out=$("$bin" models --show "$work/net.cfg" 2>&1) || fail "models --show FILE.cfg: $out"
grep -q "layer0_conv" <<<"$out" || fail "models --show lists no layer0_conv: $out"

out=$("$bin" verify --model "$work/net.cfg" --backends reference "${common[@]}" 2>&1) ||
  fail "verify --model FILE.cfg (seeded weights): $out"
out=$("$bin" verify --model "$work/net.cfg" --weights "$work/net.weights" --backends reference \
  "${common[@]}" 2>&1) || fail "verify --model FILE.cfg --weights: $out"
grep -q "net.cfg?weights=" <<<"$out" || fail "the job's model does not name the weights: $out"

out=$("$bin" verify --model "$work/net.cfg" --weights "$work/short.weights" --backends reference \
  "${common[@]}" 2>&1) && fail "a truncated weights file was accepted"
grep -q "truncated" <<<"$out" || fail "no 'truncated' in: $out"

out=$("$bin" verify --models cifarnet --weights "$work/net.weights" --backends reference \
  "${common[@]}" 2>&1) && fail "--weights without a --model cfg was accepted"

out=$("$bin" infer "$work/net.cfg" --weights "$work/net.weights" --backend reference \
  --output "$work/infer" --cache-dir "$work/cache" 2>&1) || fail "infer FILE.cfg --weights: $out"
out=$("$bin" infer cifarnet --weights "$work/net.weights" --backend reference \
  --output "$work/infer2" --cache-dir "$work/cache" 2>&1) && fail "infer ZOO --weights accepted"

[ "$failures" -eq 0 ] && echo "darknet cli: all checks passed"
exit $((failures > 0))
