#!/usr/bin/env bash
# The command-line contract users and scripts rely on: help and version exit 0, bad
# usage exits 2 with a message, every output format is well formed.
set -u
bin="$1"
failures=0

expect_exit() {
  local want="$1"
  shift
  "$bin" "$@" >/tmp/edgebench_cli_out.$$ 2>/tmp/edgebench_cli_err.$$
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: edgebench $* exited $got, want $want"
    sed 's/^/  stderr: /' /tmp/edgebench_cli_err.$$ | head -5
    failures=$((failures + 1))
  fi
}

expect_output() {
  local pattern="$1"
  if ! grep -qE -- "$pattern" /tmp/edgebench_cli_out.$$ /tmp/edgebench_cli_err.$$; then
    echo "FAIL: output lacks /$pattern/"
    failures=$((failures + 1))
  fi
}

expect_exit 0 --help
expect_output "models"
expect_exit 0 --version
expect_output "^edgebench [0-9]+\.[0-9]+\.[0-9]+ \(revision [0-9a-f]{12}|unknown"
expect_exit 0 models --help
expect_output "--format"
expect_exit 2
expect_exit 2 no-such-command
expect_output "no-such-command"
expect_exit 2 --no-such-option
expect_exit 2 models --no-such-option
expect_exit 2 models --format xml
expect_exit 2 models --show no-such-model
expect_output "unknown model 'no-such-model'"
expect_exit 2 models --show vgg16@8
expect_output "cannot take input"

expect_exit 0 models
expect_output "^resnet-18 +1x3x224x224 +1\.814"
expect_output "^c3d +1x3x12x112x112"
expect_exit 0 models --format csv
lines=$(wc -l </tmp/edgebench_cli_out.$$)
[ "$lines" -eq 17 ] || { echo "FAIL: csv has $lines lines, want 17"; failures=$((failures + 1)); }
expect_exit 0 models --format json
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; rows=json.load(open(sys.argv[1])); assert len(rows)==16, len(rows); assert rows[0]["id"]=="resnet-18"' \
    /tmp/edgebench_cli_out.$$ || { echo "FAIL: json"; failures=$((failures + 1)); }
fi
expect_exit 0 models --format md
expect_output "^\| model \| input \|"
expect_exit 0 models --show yolov3@320
expect_output "^total +19486412800 +61949149"

# Machine ceilings: short trials keep this under a couple of seconds; any speed passes.
peak_db=$(mktemp -d)/peak.db
expect_exit 0 peak --trials 2 --trial-seconds 0.02 --format json --no-store
if command -v python3 >/dev/null; then
  python3 -c 'import json,math,sys; p=json.load(open(sys.argv[1])); f=p["figures"]; assert len(f) in (3,6), len(f); assert all(x["value"]>0 and math.isfinite(x["value"]) and x["method"] for x in f), f; assert p["isa"] and p["fma_gflops_1t"]>0' \
    /tmp/edgebench_cli_out.$$ || { echo "FAIL: peak json"; failures=$((failures + 1)); }
fi
expect_exit 0 peak --trials 1 --trial-seconds 0.01 --array-mib 8 --threads 1 --db "$peak_db"
expect_output "^Ceilings stored in .*peak.db"
[ "$(sqlite3 "$peak_db" 'SELECT count(*) FROM machine_peaks' 2>/dev/null)" = 1 ] ||
  { echo "FAIL: peak not stored"; failures=$((failures + 1)); }
rm -rf "$(dirname "$peak_db")"
expect_output "^CPU SIMD features: "
expect_output "^fma +1 +[0-9.]+ +GFLOP/s"
expect_output "^triad, 1 thread: STREAM triad"
expect_exit 2 peak --isa avx1024
expect_output "unknown ISA 'avx1024'"
expect_exit 2 peak --trials 0
expect_exit 2 peak --array-mib 1048576
expect_output "would take more than half"
expect_exit 2 peak --format xml

# Compatibility matrix: the backends' own support checks, no database needed. The built-in
# reference engine keeps it independent of which plugins this build has.
expect_exit 0 matrix --models cifarnet,c3d --backends reference --db /nonexistent/matrix.db
expect_output "^cifarnet +✓"
expect_output "^c3d +✓"
expect_exit 0 matrix --models cifarnet --backends reference --format json --db /nonexistent/matrix.db
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; rows=json.load(open(sys.argv[1])); assert rows and all(r["model"]=="cifarnet" and r["state"] for r in rows), rows' \
    /tmp/edgebench_cli_out.$$ || { echo "FAIL: matrix json"; failures=$((failures + 1)); }
fi
expect_exit 2 matrix --models no-such-model
expect_exit 2 matrix --format xml

# Sensors: this build machine has none, which is a plain answer, not an error; a fixture
# tree stands in for a board's sysfs. NVML is kept out so a GPU machine gives the same
# answers (the NVML source has its own tests, against a stand-in library).
export EDGEBENCH_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1
expect_exit 0 sensors --sysfs-root /nonexistent/sysfs
expect_output "^no sensors found under /nonexistent/sysfs \(no RAPL, hwmon, thermal zones or cpufreq\)"
expect_exit 0 sensors
expect_exit 0 sensors --format json --sysfs-root /nonexistent/sysfs
expect_output "^\[\]"
sysfs=$(mktemp -d)
mkdir -p "$sysfs/sys/class/powercap/intel-rapl:0" "$sysfs/sys/class/hwmon/hwmon0" \
  "$sysfs/sys/class/thermal/thermal_zone0" "$sysfs/sys/devices/system/cpu/cpu0/cpufreq"
echo package-0 >"$sysfs/sys/class/powercap/intel-rapl:0/name"
echo 1500000 >"$sysfs/sys/class/powercap/intel-rapl:0/energy_uj"
echo 262143328850 >"$sysfs/sys/class/powercap/intel-rapl:0/max_energy_range_uj"
echo ina3221 >"$sysfs/sys/class/hwmon/hwmon0/name"
echo VDD_IN >"$sysfs/sys/class/hwmon/hwmon0/curr1_label"
echo 1200 >"$sysfs/sys/class/hwmon/hwmon0/curr1_input"
echo 5000 >"$sysfs/sys/class/hwmon/hwmon0/in1_input"
echo soc-thermal >"$sysfs/sys/class/thermal/thermal_zone0/type"
echo 47500 >"$sysfs/sys/class/thermal/thermal_zone0/temp"
echo 1420800 >"$sysfs/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq"
echo schedutil >"$sysfs/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"
expect_exit 0 sensors --sysfs-root "$sysfs" --interval 0.01
expect_output "^rapl:intel-rapl:0 +energy-counter +cpu-package:0 +package-0 +1\.500000 +J +0\.000"
expect_output "^hwmon0:rail1 +power +board-rail:VDD_IN +VDD_IN +6\.000 +W"
expect_output "^thermal_zone0 +temperature +thermal:soc-thermal +soc-thermal +47\.500 +C"
expect_output "^cpufreq:cpu0 +clock +cpu-core:0 +cpu0 +1420\.800 +MHz +schedutil"
expect_output "^4 sources under "
EDGEBENCH_SYSFS_ROOT="$sysfs" expect_exit 0 sensors --format csv --interval 0
[ "$(wc -l </tmp/edgebench_cli_out.$$)" -eq 5 ] || { echo "FAIL: sensors csv"; failures=$((failures + 1)); }
rm "$sysfs/sys/class/thermal/thermal_zone0/temp"
expect_exit 0 sensors --sysfs-root "$sysfs" --format json --interval 0
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; rows={r["id"]: r for r in json.load(open(sys.argv[1]))}; assert len(rows)==4, rows; z=rows["thermal_zone0"]; assert z["value"]=="-" and "No such file" in z["note"], z; assert rows["hwmon0:rail1"]["value"]==6.0' \
    /tmp/edgebench_cli_out.$$ || { echo "FAIL: sensors json"; failures=$((failures + 1)); }
fi
expect_exit 0 sensors --sysfs-root /nonexistent/sysfs
expect_output "no NVML \(/nonexistent/libnvidia-ml.so.1 cannot be loaded"
rm -rf "$sysfs"
expect_exit 2 sensors --format xml

# Energy options of run and soak: bad values are usage errors before anything runs.
expect_exit 0 soak --help
expect_output "--duration"
expect_output "--cooldown-to"
expect_exit 2 soak --backend reference
expect_exit 2 soak --model cifarnet --backend reference --duration 5x
expect_exit 2 soak --model cifarnet --backend reference --duration 0s
expect_exit 2 run --cooldown-to hot
expect_output "degrees Celsius"
expect_exit 2 run --idle-seconds -1
expect_exit 2 run --power-log /nonexistent/meter.csv

# tune and optimizations: a bad search dimension or option is a usage error before any
# database is written; --no-run never creates one.
tune_db=/tmp/edgebench_cli_tune.$$.db
expect_exit 0 tune --help
expect_output "--budget"
expect_exit 2 tune
expect_exit 2 tune --model cifarnet --precisions fp64 --db "$tune_db"
expect_output "not 'fp64'"
expect_exit 2 tune --model cifarnet --fusion maybe --db "$tune_db"
expect_exit 2 tune --model cifarnet --affinity scatter --db "$tune_db"
expect_exit 2 tune --model cifarnet --threads 0 --db "$tune_db"
expect_exit 2 tune --model no-such-model --backends reference --db "$tune_db"
expect_exit 0 optimizations --help
expect_output "--no-run"
expect_exit 2 optimizations --prune 1.5 --db "$tune_db"
expect_exit 1 optimizations --model cifarnet --backends reference --no-run --db "$tune_db"
expect_output "no such results database"
[ -e "$tune_db" ] && { echo "FAIL: a refused tune/optimizations created $tune_db"; failures=$((failures + 1)); }
rm -f "$tune_db"

rm -f /tmp/edgebench_cli_out.$$ /tmp/edgebench_cli_err.$$
if [ "$failures" -ne 0 ]; then
  echo "$failures CLI contract check(s) failed"
  exit 1
fi
echo "CLI contract: all checks passed"
