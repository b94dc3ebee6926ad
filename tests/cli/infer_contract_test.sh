#!/usr/bin/env bash
# `edgebench infer` and `--input-shape` as a user drives them: one inference writes every
# input and output as .npy with a summary.json; the .npy files are read back here with
# Python's standard library only (no numpy), so the check does not share edgebench's
# reader. Dynamic dims are settled by --input-shape in infer, models --show and run, and
# results at two shapes are stored apart. Bad input exits non-zero with a message.
# Usage: infer_contract_test.sh EDGEBENCH WRITE_TEST_MODELS
set -u
bin="$1"
writer="$2"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cache=(--cache-dir "$work/cache")
"$writer" "$work" || { echo "FAIL: cannot write the test models"; exit 1; }

# npy_check FILE SHAPE: FILE is a v1.0 little-endian f32 C-order .npy of SHAPE ("1,10"),
# its header padded to 64 bytes, its data exactly the rest of the file.
npy_check() {
  python3 - "$1" "$2" <<'EOF'
import ast, struct, sys
data = open(sys.argv[1], "rb").read()
want = tuple(int(d) for d in sys.argv[2].split(",")) if sys.argv[2] else ()
assert data[:8] == b"\x93NUMPY\x01\x00", data[:8]
n = struct.unpack("<H", data[8:10])[0]
assert (10 + n) % 64 == 0 and data[10 + n - 1:10 + n] == b"\n", n
header = ast.literal_eval(data[10:10 + n].decode("latin1"))
assert header == {"descr": "<f4", "fortran_order": False, "shape": want}, header
count = 1
for d in want:
    count *= d
assert len(data) == 10 + n + 4 * count, (len(data), count)
EOF
}

# npy_values FILE COUNT: the first COUNT values, one per line (%.9g).
npy_values() {
  python3 -c '
import struct, sys
data = open(sys.argv[1], "rb").read()
n = struct.unpack("<H", data[8:10])[0]
for (v,) in list(struct.iter_unpack("<f", data[10 + n:]))[:int(sys.argv[2])]:
    print("%.9g" % v)' "$1" "$2"
}

# 1. A zoo model, seeded input: the input and output files and the summary.
"$bin" infer cifarnet --backend reference -o "$work/a" "${cache[@]}" >"$work/out" 2>"$work/err" ||
  fail "infer cifarnet exited $?: $(tail -2 "$work/err")"
grep -qE "^prob +1x10 +prob\.npy" "$work/out" || fail "infer prints the output table"
npy_check "$work/a/input_input.npy" "1,3,32,32" || fail "input_input.npy"
npy_check "$work/a/prob.npy" "1,10" || fail "prob.npy"
python3 - "$work/a" <<'EOF' || fail "summary.json of cifarnet"
import json, struct, sys
d = sys.argv[1]
s = json.load(open(d + "/summary.json"))
assert s["model"] == "cifarnet" and s["backend"] == "reference", s
assert s["inputs"] == [{"name": "input", "shape": [1, 3, 32, 32], "file": "input_input.npy",
                        "source": "seeded"}], s["inputs"]
(out,) = s["outputs"]
assert out["name"] == "prob" and out["shape"] == [1, 10] and out["file"] == "prob.npy", out
assert out["rel_l2"] == 0 and out["max_abs"] == 0, out  # the reference against itself
raw = open(d + "/prob.npy", "rb").read()
n = struct.unpack("<H", raw[8:10])[0]
values = [v for (v,) in struct.iter_unpack("<f", raw[10 + n:])]
# Top-5 recomputed from the file: highest first, ties to the lower index.
top = sorted(range(10), key=lambda i: (-values[i], i))[:5]
assert out["top5"]["indices"] == top, (out["top5"], top)
assert out["top5"]["values"] == [values[i] for i in top], out["top5"]
EOF

# 2. The input written out, fed back in (plain and named), gives the same output bytes.
"$bin" infer cifarnet --backend reference -o "$work/b" --input "$work/a/input_input.npy" \
  "${cache[@]}" >/dev/null 2>&1 || fail "infer --input FILE exited $?"
cmp -s "$work/a/prob.npy" "$work/b/prob.npy" || fail "the written input reproduces the output"
"$bin" infer cifarnet --backend reference -o "$work/c" --input "input:$work/a/input_input.npy" \
  "${cache[@]}" >/dev/null 2>&1 || fail "infer --input NAME:FILE exited $?"
cmp -s "$work/a/prob.npy" "$work/c/prob.npy" || fail "a named input reproduces the output"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["inputs"][0]["source"].endswith("input_input.npy"), s' \
  "$work/c/summary.json" || fail "the summary names the input file"

# 3. Dynamic dims: named in the error, settled by --input-shape (batch 2, 16x12 here).
"$bin" infer "$work/dynamic.onnx" --backend reference -o "$work/d" "${cache[@]}" \
  >/dev/null 2>"$work/err"
[ $? -ne 0 ] || fail "a model with unsettled dynamic dims must not run"
grep -q "'height' at position 2" "$work/err" || fail "the error names the dim: $(cat "$work/err")"
grep -q -- "--input-shape" "$work/err" || fail "the error names the option"
"$bin" infer "$work/dynamic.onnx" --backend reference -o "$work/d" --input-shape x:2x3x16x12 \
  "${cache[@]}" >/dev/null 2>"$work/err" || fail "infer --input-shape exited $?: $(cat "$work/err")"
npy_check "$work/d/input_x.npy" "2,3,16,12" || fail "input at the given shape"
npy_check "$work/d/scores.npy" "2,10" || fail "output at the given batch"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["input_shape"] == "x:2x3x16x12" and "top5" not in s["outputs"][0], s' \
  "$work/d/summary.json" || fail "summary records the shape (and [2, K] is no single score vector)"
"$bin" infer "$work/dynamic.onnx" --backend reference -o "$work/d1" --input-shape 1x3x16x12 \
  "${cache[@]}" >/dev/null 2>&1 || fail "a bare shape for a one-input model"
npy_check "$work/d1/scores.npy" "1,10" || fail "bare shape output"
for bad in x:1x4x16x12 x:1x3x16 y:1x3x8x8 x:0x3x8x8 x:1x3x8x8,x:1x3x8x8 1x3x8x8,x:1x3x8x8; do
  "$bin" infer "$work/dynamic.onnx" --backend reference -o "$work/e" --input-shape "$bad" \
    >/dev/null 2>"$work/err"
  [ $? -eq 2 ] || fail "--input-shape $bad must be a usage error"
  [ -s "$work/err" ] || fail "--input-shape $bad printed no error"
done
"$bin" infer "$work/dynamic.onnx" --backend reference -o "$work/e" --input-shape y:1x3x8x8 \
  >/dev/null 2>"$work/err"
grep -q "x: batch x 3 x height x width" "$work/err" ||
  fail "an unknown input name lists the model's inputs: $(cat "$work/err")"

# 4. Two inputs, two outputs with names that are not file names.
"$bin" infer "$work/two_inputs.onnx" --backend reference -o "$work/t" "${cache[@]}" \
  >/dev/null 2>"$work/err" || fail "infer two_inputs exited $?: $(cat "$work/err")"
npy_check "$work/t/input_image.npy" "1,3,8,8" || fail "input_image.npy"
npy_check "$work/t/input_mask.npy" "1,4,8,8" || fail "input_mask.npy"
npy_check "$work/t/head_logits.npy" "1,5" || fail "head:logits -> head_logits.npy"
npy_check "$work/t/features_map.npy" "1,4,8,8" || fail "features/map -> features_map.npy"
if [ "$(npy_values "$work/t/input_image.npy" 64)" = "$(npy_values "$work/t/input_mask.npy" 64)" ]; then
  fail "two seeded inputs must differ"
fi
# One input given, the other seeded: same outputs as with both seeded.
"$bin" infer "$work/two_inputs.onnx" --backend reference -o "$work/u" \
  --input "mask:$work/t/input_mask.npy" "${cache[@]}" >/dev/null 2>&1 || fail "infer --input mask:"
cmp -s "$work/t/head_logits.npy" "$work/u/head_logits.npy" || fail "named input reproduces"
"$bin" infer "$work/two_inputs.onnx" --backend reference -o "$work/v" \
  --input "$work/t/input_mask.npy" >/dev/null 2>"$work/err"
[ $? -ne 0 ] || fail "an unnamed input file for a two-input model must fail"
grep -q "image (1x3x8x8), mask (1x4x8x8)" "$work/err" || fail "lists the inputs: $(cat "$work/err")"

# 5. Bad input files and backends: non-zero exit, a message naming the problem.
expect_failure() {
  local pattern="$1"
  shift
  "$bin" "$@" >/dev/null 2>"$work/err"
  local rc=$?
  [ "$rc" -ne 0 ] || fail "edgebench $* exited 0"
  grep -qE -- "$pattern" "$work/err" || fail "edgebench $*: stderr lacks /$pattern/: $(cat "$work/err")"
}
head -c 90 "$work/a/prob.npy" >"$work/truncated.npy"
printf 'not a numpy file' >"$work/text.npy"
python3 - "$work" <<'EOF'
import struct, sys
def npy(path, header, data):
    text = repr(header).encode() + b" " * 10 + b"\n"
    open(path, "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + data)
d = sys.argv[1]
npy(d + "/complex.npy", {"descr": "<c8", "fortran_order": False, "shape": (1, 10)}, bytes(80))
npy(d + "/fortran.npy", {"descr": "<f4", "fortran_order": True, "shape": (1, 10)}, bytes(40))
npy(d + "/short.npy", {"descr": "<f4", "fortran_order": False, "shape": (1, 3, 32, 32)}, bytes(40))
npy(d + "/f8.npy", {"descr": "<f8", "fortran_order": False, "shape": (1, 3, 32, 32)},
    struct.pack("<3072d", *[(i % 7) / 7.0 for i in range(3072)]))
npy(d + "/f4.npy", {"descr": "<f4", "fortran_order": False, "shape": (1, 3, 32, 32)},
    struct.pack("<3072f", *[(i % 7) / 7.0 for i in range(3072)]))
EOF
expect_failure "truncated" infer cifarnet --backend reference -o "$work/x" --input "$work/truncated.npy"
expect_failure "not a .npy file" infer cifarnet --backend reference -o "$work/x" --input "$work/text.npy"
expect_failure "unsupported dtype '<c8'" infer cifarnet --backend reference -o "$work/x" --input "$work/complex.npy"
expect_failure "fortran_order" infer cifarnet --backend reference -o "$work/x" --input "$work/fortran.npy"
expect_failure "needs more data than the file holds" infer cifarnet --backend reference -o "$work/x" --input "$work/short.npy"
expect_failure "holds a 1x10 array; the model takes 1x3x32x32" \
  infer cifarnet --backend reference -o "$work/x" --input "$work/a/prob.npy"
expect_failure "no such file" infer cifarnet --backend reference -o "$work/x" --input "$work/none.npy"
expect_failure "unknown backend 'nope'" infer cifarnet --backend nope -o "$work/x"
expect_failure "unknown model" infer no-such-model --backend reference -o "$work/x"
# f8 input values (multiples of 1/7) convert to the same f32 as an f4 file of them.
"$bin" infer cifarnet --backend reference -o "$work/f8" --input "$work/f8.npy" "${cache[@]}" \
  >/dev/null 2>&1 || fail "an <f8 input is accepted"
"$bin" infer cifarnet --backend reference -o "$work/f4" --input "$work/f4.npy" "${cache[@]}" \
  >/dev/null 2>&1 || fail "an <f4 input is accepted"
cmp -s "$work/f8/prob.npy" "$work/f4/prob.npy" || fail "<f8 input converted to f32"

# 6. models --show lists each input at the shape it is built at.
"$bin" models --show "$work/two_inputs.onnx" >"$work/out" 2>&1 || fail "models --show two_inputs"
grep -qE "^image +input +1x3x8x8" "$work/out" || fail "models --show lists input image"
grep -qE "^mask +input +1x4x8x8" "$work/out" || fail "models --show lists input mask"
"$bin" models --show "$work/dynamic.onnx" >/dev/null 2>"$work/err"
[ $? -eq 2 ] || fail "models --show of a model with unsettled dims is a usage error"
grep -q "'width' at position 3" "$work/err" || fail "models --show names the dim"
"$bin" models --show "$work/dynamic.onnx" --input-shape x:1x3x20x20 >"$work/out" 2>&1 ||
  fail "models --show --input-shape exited $?"
grep -qE "^x +input +1x3x20x20" "$work/out" || fail "models --show at the given shape"
"$bin" models --show resnet-18 --input-shape 1x3x160x160 >"$work/out" 2>&1 ||
  fail "models --show zoo --input-shape"
grep -qE "^input +input +1x3x160x160" "$work/out" || fail "zoo model at the given size"

# 7. run: results at two shapes of one file never pool, even within one run (--resume
# with another shape joins the run but skips nothing).
quick=(--min-time 0 --max-time 30 --min-runs 3 --max-runs 3 --warmup-runs 0 --warmup-time 0
       --repetitions 1 "${cache[@]}")
"$bin" run --model "$work/dynamic.onnx" --input-shape x:1x3x8x8 --backends reference \
  --db "$work/r.db" "${quick[@]}" >"$work/out" 2>"$work/err" ||
  fail "run --input-shape exited $?: $(tail -2 "$work/err")"
"$bin" run --model "$work/dynamic.onnx" --input-shape x:1x3x16x16 --backends reference \
  --db "$work/r.db" --resume "${quick[@]}" >"$work/out" 2>"$work/err" ||
  fail "run --resume --input-shape exited $?: $(tail -2 "$work/err")"
grep -q "skipped (--resume)" "$work/err" && fail "another shape is another job, not a repeat"
grep -qF "dynamic.onnx [x:1x3x16x16]" "$work/out" || fail "the table names the shape"
grep -qF "dynamic.onnx [x:1x3x8x8]" "$work/out" || fail "the table keeps the other shape apart"
[ "$(sqlite3 "$work/r.db" "SELECT group_concat(input_shape, ' ') FROM jobs ORDER BY id")" = \
  "x:1x3x8x8 x:1x3x16x16" ] || fail "each job stores its input shape"
[ "$(sqlite3 "$work/r.db" "SELECT count(DISTINCT config_key) || ' ' || count(DISTINCT run_id) FROM jobs")" = "2 1" ] ||
  fail "two shapes, two configurations, one run"
[ "$("$bin" results --db "$work/r.db" --format csv | tail -n +2 | wc -l)" = 2 ] ||
  fail "results shows one row per shape"
"$bin" export --db "$work/r.db" --format json | python3 -c '
import json, sys
jobs = json.load(sys.stdin)[0]["jobs"]
assert [j["input_shape"] for j in jobs] == ["x:1x3x8x8", "x:1x3x16x16"], jobs' ||
  fail "export carries the shape"
"$bin" run --model "$work/two_inputs.onnx" --backends reference --db "$work/r.db" "${quick[@]}" \
  >/dev/null 2>"$work/err" || fail "run of a two-input model exited $?: $(tail -2 "$work/err")"
expect_failure "'height' at position 2" run --model "$work/dynamic.onnx" --backends reference \
  --db "$work/never.db"
expect_failure "not a shape" run --model "$work/dynamic.onnx" --input-shape x:1xAx8 --db "$work/never.db"
[ ! -e "$work/never.db" ] || fail "a refused run created a database"

if [ "$failures" -ne 0 ]; then
  echo "$failures infer contract check(s) failed"
  exit 1
fi
echo "infer contract: all checks passed"
