#!/usr/bin/env bash
# `edgebench run` end to end, as a user drives it: results stored and tabulated, a run
# killed with SIGKILL mid-job leaves an intact database, --resume runs only what is
# missing, and bad input is refused with exit 2 without touching anything.
set -u
bin="$1"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
quick=(--min-time 0 --max-time 30 --min-runs 3 --max-runs 3 --warmup-runs 1 --warmup-time 0
       --cache-dir "$work/cache" --repetitions 1)
sql() { sqlite3 "$1" "$2"; }

# 1. A small run: every job stored with its samples and shown in the table.
"$bin" run --models cifarnet,vgg-s-32 --backends reference --db "$work/a.db" "${quick[@]}" \
  >"$work/out" 2>"$work/err" || fail "run exited $?: $(tail -3 "$work/err")"
grep -qE "^cifarnet +reference +1 +ok" "$work/out" || fail "result table lacks cifarnet row"
[ "$(sql "$work/a.db" "SELECT count(*) FROM jobs WHERE status='ok'")" = 2 ] || fail "2 ok jobs"
[ "$(sql "$work/a.db" "SELECT count(*) FROM samples")" = 6 ] || fail "every raw sample stored"
"$bin" results --db "$work/a.db" --format csv | grep -q '"vgg-s-32"' || fail "results csv"
"$bin" export --db "$work/a.db" --format json | python3 -c \
  'import json,sys; r=json.load(sys.stdin); assert len(r[0]["jobs"])==2 and r[0]["jobs"][0]["samples"]' \
  || fail "export json"

# 2. kill -9 in the middle of the third job: finished jobs intact, file consistent. Each
# job stops at 5 runs; resnet-18 on the reference engine needs seconds for that.
"$bin" run --models cifarnet,vgg-s-32,resnet-18 --backends reference --db "$work/k.db" \
  --min-time 30 --max-time 60 --min-runs 3 --max-runs 5 --warmup-runs 1 --warmup-time 0 \
  --cache-dir "$work/cache" --repetitions 1 --order-seed 5 >/dev/null 2>&1 &  # seed 5: resnet-18 last
runner=$!
for _ in $(seq 1 600); do
  done_jobs=$(sql "$work/k.db" "SELECT count(*) FROM jobs" 2>/dev/null || echo 0)
  [ "${done_jobs:-0}" -ge 2 ] && break
  sleep 0.1
done
sleep 1  # the third job is now running in its worker
kill -9 "$runner"
wait "$runner" 2>/dev/null
sleep 0.5
[ "$(sql "$work/k.db" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after kill -9"
[ "$(sql "$work/k.db" "SELECT count(*) FROM jobs WHERE status='ok'")" = 2 ] ||
  fail "the two finished jobs survive kill -9"
[ "$(sql "$work/k.db" "SELECT count(*) FROM jobs j WHERE sample_count != \
  (SELECT count(*) FROM samples s WHERE s.job_id = j.id)")" = 0 ] || fail "samples intact"
if pgrep -f "__worker.*resnet-18" >/dev/null; then fail "orphaned worker survived its parent"; fi

# 3. --resume runs only the missing job.
"$bin" run --models cifarnet,vgg-s-32,resnet-18 --backends reference --db "$work/k.db" \
  --resume "${quick[@]}" >"$work/out" 2>"$work/err" || fail "resume exited $?"
[ "$(grep -c "skipped (--resume)" "$work/err")" = 2 ] || fail "resume skips the 2 done jobs"
[ "$(sql "$work/k.db" "SELECT count(*) FROM jobs WHERE status='ok'")" = 3 ] ||
  fail "resume completes the run"
[ "$(sql "$work/k.db" "SELECT count(*) FROM runs")" = 1 ] || fail "resume continues the same run"
[ "$("$bin" results --db "$work/k.db" --format csv | tail -n +2 | wc -l)" = 3 ] ||
  fail "results after kill and resume shows every job of the campaign"

# 3b. Repetitions in separate processes, interleaved in a seeded, stored, replayable order.
"$bin" run --models cifarnet,cifarnet-valid --backends reference --db "$work/r.db" --repetitions 2 \
  --order-seed 5 --cooldown 0.1 --min-time 0 --max-time 30 --min-runs 3 --max-runs 3 \
  --warmup-runs 0 --warmup-time 0 --cache-dir "$work/cache" >"$work/out" 2>"$work/err" ||
  fail "run --repetitions 2 exited $?"
[ "$(sql "$work/r.db" "SELECT count(*) FROM jobs")" = 4 ] || fail "2 jobs x 2 worker processes"
[ "$(sql "$work/r.db" "SELECT count(DISTINCT repetition) FROM jobs")" = 2 ] || fail "repetitions"
[ "$(sql "$work/r.db" "SELECT json_extract(schedule_json, '$.order_seed') FROM runs")" = 5 ] ||
  fail "the order seed is stored"
order1=$(sql "$work/r.db" "SELECT model || repetition FROM jobs ORDER BY order_index" | tr '\n' ' ')
"$bin" run --models cifarnet,cifarnet-valid --backends reference --db "$work/r2.db" --repetitions 2 \
  --order-seed 5 --min-time 0 --max-time 30 --min-runs 3 --max-runs 3 --warmup-runs 0 \
  --warmup-time 0 --cache-dir "$work/cache" >/dev/null 2>&1 || fail "replay exited $?"
order2=$(sql "$work/r2.db" "SELECT model || repetition FROM jobs ORDER BY order_index" | tr '\n' ' ')
[ "$order1" = "$order2" ] || fail "the same seed replays the same order ($order1 / $order2)"
[ "$(grep -cE "^(cifarnet|cifarnet-valid) +reference" "$work/out")" = 2 ] ||
  fail "the table pools repetitions: one row per job"
# --resume keeps the run's own schedule (2 repetitions, not the default 3): nothing to do.
"$bin" run --models cifarnet,cifarnet-valid --backends reference --db "$work/r.db" --resume \
  --min-time 0 --max-time 30 --min-runs 3 --max-runs 3 --warmup-runs 0 --warmup-time 0 \
  --cache-dir "$work/cache" >/dev/null 2>"$work/err" || fail "resume of a complete run exited $?"
[ "$(grep -c "skipped (--resume)" "$work/err")" = 4 ] || fail "resume skips all 4 processes"
[ "$(sql "$work/r.db" "SELECT count(*) FROM jobs")" = 4 ] || fail "resume kept the stored count"
"$bin" results --db "$work/r.db" --format json | python3 -c '
import json,sys
rows = json.load(sys.stdin)
assert len(rows) == 2, rows
for row in rows:
    assert row["processes"] == 2 and row["samples"] == 6, row
    assert row["p99_ms"] == "—", row  # 6 samples cannot support a p99
' || fail "results json: pooled rows, withheld p99"

# 3c. A memory cap too small to start a worker is out of memory, with the reason.
"$bin" run --models cifarnet --backends reference --db "$work/m.db" --mem-limit 8M \
  "${quick[@]}" >/dev/null 2>&1
[ "$(sql "$work/m.db" "SELECT status FROM jobs")" = out_of_memory ] || fail "8M cap: out_of_memory"
sql "$work/m.db" "SELECT error FROM jobs" | grep -q "too small to start" || fail "8M cap: reason"

# 4. verify: reference checked against itself is trivially fine; a clean exit.
"$bin" verify --models cifarnet --backends reference --db "$work/v.db" \
  --cache-dir "$work/cache" >/dev/null 2>&1 || fail "verify exited $?"

# A verify-only result never stands in for a measurement on --resume.
"$bin" run --models cifarnet --backends reference --db "$work/v.db" --resume "${quick[@]}" \
  >/dev/null 2>"$work/err" || fail "run --resume after verify exited $?"
grep -q "skipped (--resume)" "$work/err" && fail "run --resume skipped a job only verified"
[ "$(sql "$work/v.db" "SELECT count(*) FROM jobs WHERE status='ok' AND sample_count > 0")" = 1 ] ||
  fail "run --resume after verify times the job"
"$bin" run --models cifarnet --backends reference --db "$work/v.db" --min-time 12 --min-runs 3 \
  --max-runs 3 --warmup-runs 0 --warmup-time 0 --cache-dir "$work/cache" >/dev/null 2>&1 ||
  fail "--min-time above the default --max-time is not a usage error"

# 5. Users' own models: a zoo model exported to ONNX runs like any other.
"$bin" export-model cifarnet --format onnx -o "$work/c.onnx" 2>/dev/null || fail "export-model"
[ -s "$work/c.onnx" ] || fail "export-model wrote nothing"
"$bin" export-model tiny-yolo@64 --format darknet -o "$work/ty" 2>/dev/null ||
  fail "export-model --format darknet"
[ -s "$work/ty.cfg" ] && [ -s "$work/ty.weights" ] || fail "export-model darknet: no cfg/weights"
grep -q '^\[convolutional\]' "$work/ty.cfg" || fail "export-model darknet: no layers in the cfg"
"$bin" export-model mobilenet-v2@64 --format darknet -o "$work/mb" >/dev/null 2>"$work/err"
[ $? -eq 2 ] && grep -q "relu6" "$work/err" || fail "export-model darknet: relu6 not refused by name"
"$bin" models --show "$work/c.onnx" | grep -qE "^total +14693248 +797962|^total +32778112 +1756426" ||
  fail "models --show FILE.onnx"
"$bin" run --model "$work/c.onnx" --backends reference --db "$work/o.db" "${quick[@]}" \
  >"$work/out" 2>"$work/err" || fail "run --model exited $?: $(tail -2 "$work/err")"
grep -q "c.onnx" "$work/out" || fail "run --model lists the file"
"$bin" verify --model "$work/c.onnx" --backends reference --db "$work/o.db" \
  --cache-dir "$work/cache" >/dev/null 2>&1 || fail "verify --model"
head -c 100 "$work/c.onnx" >"$work/truncated.onnx"
expect_usage_file() {
  "$bin" "$@" >/dev/null 2>"$work/err"
  local rc=$?
  [ "$rc" -eq 2 ] || fail "edgebench $* exited $rc, want 2"
}
expect_usage_file run --model "$work/truncated.onnx" --db "$work/u.db"
expect_usage_file run --model "$work/missing.onnx" --db "$work/u.db"
expect_usage_file export-model nope -o "$work/n.onnx"

# 6. Bad input: usage errors exit 2, a foreign file is refused and left untouched.
expect_usage() {
  "$bin" "$@" >/dev/null 2>"$work/err"
  local rc=$?
  [ "$rc" -eq 2 ] || fail "edgebench $* exited $rc, want 2"
  [ -s "$work/err" ] || fail "edgebench $* printed no error"
}
expect_usage run --models nope --db "$work/u.db"
expect_usage run --backends nope --db "$work/u.db"
expect_usage run --mem-limit 12Q --db "$work/u.db"
expect_usage run --pin abc --db "$work/u.db"
expect_usage run --threads 0 --db "$work/u.db"
expect_usage run --min-time 5 --max-time 1 --db "$work/u.db"
expect_usage run --format xml --db "$work/u.db"
expect_usage export --format xml --db "$work/a.db"
[ ! -e "$work/u.db" ] || fail "a refused command created a database"
echo "not a database" >"$work/text.db"
cp "$work/text.db" "$work/text.orig"
"$bin" run --models cifarnet --backends reference --db "$work/text.db" >/dev/null 2>"$work/err"
[ $? -eq 1 ] || fail "non-SQLite --db must exit 1"
grep -q "text.db" "$work/err" || fail "error names the file"
cmp -s "$work/text.db" "$work/text.orig" || fail "non-SQLite file was modified"
"$bin" results --db "$work/none.db" >/dev/null 2>&1
[ $? -eq 1 ] || fail "results on a missing database must exit 1"
[ ! -e "$work/none.db" ] || fail "results created a database"

# Per-job energy: without sensors every figure says n/a; with a fixture sysfs tree (a hot
# zone, a clock) the run stores and shows them, and export carries the traces.
export EDGEBENCH_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1
"$bin" run --models cifarnet --backends reference --db "$work/e.db" "${quick[@]}" \
  --sysfs-root "$work/no-sysfs" >"$work/out" 2>"$work/err" || fail "run without sensors exited $?"
grep -q "n/a (no sensor)" "$work/out" || fail "no-sensor run lacks n/a (no sensor)"
[ "$(sql "$work/e.db" "SELECT count(*) FROM job_thermal")" = 0 ] || fail "no energy rows without sensors"
mkdir -p "$work/sysfs/sys/class/thermal/thermal_zone0" "$work/sysfs/sys/devices/system/cpu/cpu0/cpufreq"
echo soc-thermal >"$work/sysfs/sys/class/thermal/thermal_zone0/type"
echo 47500 >"$work/sysfs/sys/class/thermal/thermal_zone0/temp"
echo 1420800 >"$work/sysfs/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq"
EDGEBENCH_SYSFS_ROOT="$work/sysfs" "$bin" run --models cifarnet --backends reference \
  --db "$work/e.db" "${quick[@]}" --cooldown-to 50C >"$work/out" 2>"$work/err" \
  || fail "run with fixture sensors exited $?"
grep -qE "47\.5 +1421 +no " "$work/out" || fail "fixture run lacks C max / MHz min / throttled"
[ "$(sql "$work/e.db" "SELECT cooldown_reached FROM job_thermal")" = 1 ] || fail "cool-down recorded"
[ "$(sql "$work/e.db" "SELECT max_value FROM job_energy WHERE source_id='thermal_zone0'")" = 47.5 ] \
  || fail "zone figure stored"
"$bin" export --db "$work/e.db" --format json | python3 -c \
  'import json,sys; r=json.load(sys.stdin); e=r[1]["jobs"][0]["energy"]; assert r[0]["jobs"][0]["energy"] is None; assert {t["source_id"] for t in e["traces"]}=={"thermal_zone0","cpufreq:cpu0"}, e; assert all(t["seconds"] for t in e["traces"])' \
  || fail "export json energy and traces"
"$bin" export --db "$work/e.db" --traces | grep -q '"thermal_zone0","thermal:soc-thermal"' \
  || fail "export --traces csv"
# External meters: a reader command (12.5 W), then a log (7 W) aligned after the run.
"$bin" run --models cifarnet --backends reference --db "$work/m.db" "${quick[@]}" \
  --sysfs-root "$work/no-sysfs" --idle-seconds 0.2 \
  --power-cmd 'while :; do echo 12.5; sleep 0.05; done' >"$work/out" 2>"$work/err" \
  || fail "run with --power-cmd exited $?"
grep -q "external-meter (external-meter:cmd)" "$work/out" || fail "--power-cmd figure shown"
[ "$(sql "$work/m.db" "SELECT round(average_watts, 3) FROM job_energy")" = 12.5 ] \
  || fail "--power-cmd average power"
python3 -c 'import time; t=time.time(); print("unix_time_s,watts"); [print(f"{t + i * 0.1:.3f},7") for i in range(-600, 600)]' \
  >"$work/meter.csv"
"$bin" run --models cifarnet --backends reference --db "$work/m.db" "${quick[@]}" \
  --sysfs-root "$work/no-sysfs" --power-log "$work/meter.csv" >"$work/out" 2>"$work/err" \
  || fail "run with --power-log exited $?: $(tail -2 "$work/err")"
[ "$(sql "$work/m.db" "SELECT average_watts FROM job_energy WHERE source_id='external-meter:log'")" = 7.0 ] \
  || fail "--power-log average power"
printf 'unix_time_s,watts\n1,2\n2,abc\n' >"$work/bad.csv"
"$bin" run --models cifarnet --backends reference --db "$work/m.db" "${quick[@]}" \
  --sysfs-root "$work/no-sysfs" --power-log "$work/bad.csv" >"$work/out" 2>"$work/err"
[ $? -eq 1 ] || fail "a bad --power-log must exit 1"
grep -q "bad.csv line 3: power 'abc' is not a number" "$work/err" || fail "bad log names its line"

# A short soak on the same fixture tree: over-time table, verdict, one stored job with traces.
EDGEBENCH_SYSFS_ROOT="$work/sysfs" "$bin" soak --model cifarnet --backend reference \
  --duration 1s --buckets 2 --db "$work/soak.db" --cache-dir "$work/cache" >"$work/out" \
  2>"$work/err" || fail "soak exited $?: $(tail -3 "$work/err")"
grep -qE "^ +0\.5 +[0-9.]+ +[0-9]+ +n/a \(no sensor\) +47\.5 +1421" "$work/out" || fail "soak table"
grep -q "^no throttling seen (temperature +0.0 C" "$work/out" || fail "soak verdict"
[ "$(sql "$work/soak.db" "SELECT count(*) FROM sensor_traces")" = 2 ] || fail "soak traces stored"

if [ "$failures" -ne 0 ]; then
  echo "$failures run contract check(s) failed"
  exit 1
fi
echo "run contract: all checks passed"
