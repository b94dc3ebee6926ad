#!/usr/bin/env bash
# Input a user can get wrong is refused up front, with a short message and exit 2, by
# every command alike; a damaged results file is never appended to; reading commands
# work on read-only media and leave nothing behind; exports keep every character.
set -u
bin="$1"
work=$(mktemp -d)
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
quick=(--min-time 0 --max-time 30 --min-runs 3 --max-runs 3 --warmup-runs 1 --warmup-time 0
       --cache-dir "$work/cache")

# expect_usage PATTERN ARGS...: exit 2 with PATTERN on stderr, and a readable message:
# no number of 25 digits or more (CLI11 printed DBL_MAX's 309 digits).
expect_usage() {
  local pattern="$1"
  shift
  "$bin" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  [ "$rc" -eq 2 ] || fail "edgebench $* exited $rc, want 2"
  grep -qE -- "$pattern" "$work/err" ||
    fail "edgebench $*: stderr lacks /$pattern/: $(head -c 300 "$work/err")"
  if grep -qE '[0-9]{25,}' "$work/err"; then fail "edgebench $*: unreadable number in error"; fi
}

# 1. --db must name a file for commands that store (and for those that read).
for db in "" ":memory:"; do
  expect_usage "must name a database file" run --models cifarnet --backends reference --db "$db"
  expect_usage "must name a database file" verify --models cifarnet --backends reference --db "$db"
  expect_usage "must name a database file" results --db "$db"
  expect_usage "must name a database file" export --db "$db"
done

# 2. Numbers: NaN and infinity are not durations, fractions or seeds.
run_args=(run --models cifarnet --backends reference --db "$work/never.db")
expect_usage "'nan' is not a finite, non-negative number of seconds" "${run_args[@]}" --min-time nan
expect_usage "not a positive finite number of seconds" "${run_args[@]}" --max-time nan
expect_usage "not a positive finite number of seconds" "${run_args[@]}" --max-time 0
expect_usage "not a positive finite number of seconds" "${run_args[@]}" --timeout nan
expect_usage "not a positive finite number of seconds" "${run_args[@]}" --timeout inf
expect_usage "not a finite, non-negative number of seconds" "${run_args[@]}" --warmup-time inf
expect_usage "not a finite, non-negative number of seconds" "${run_args[@]}" --min-time -1
expect_usage "not a fraction from 0 to 1" "${run_args[@]}" --target-ci nan
expect_usage "not a fraction from 0 to 1" "${run_args[@]}" --target-ci 2
expect_usage "'0' is not a thread count from 1 to 4096" "${run_args[@]}" --threads 0
expect_usage "not a run count" "${run_args[@]}" --min-runs 0

# 3. Seeds: 0..2^64-1, decimal; never wrapped or saturated into another seed.
expect_usage "'-1' is not a seed" "${run_args[@]}" --seed -1
expect_usage "is not a seed" "${run_args[@]}" --seed 18446744073709551616
expect_usage "is not a seed" "${run_args[@]}" --seed 0x10
expect_usage "is not a seed" verify --models cifarnet --db "$work/never.db" --seed -1
expect_usage "is not a seed" export-model cifarnet -o "$work/never.onnx" --seed -1
"$bin" run --help | grep -q "0 to 2^64-1" || fail "run --help does not document the seed range"
[ ! -e "$work/never.db" ] || fail "a refused command created a database"
[ ! -e "$work/never.onnx" ] || fail "a refused export-model wrote a file"

# 4. --pin is checked against the CPUs this process may use, before any job starts.
allowed=$(awk '/^Cpus_allowed_list/ {print $2}' /proc/self/status)
expect_usage "CPU 1023 is not available to this process \(available: $allowed\)" \
  "${run_args[@]}" --pin 1023
expect_usage "not a CPU list" "${run_args[@]}" --pin 3-1
"$bin" run --help | grep -q "available: $allowed" || fail "run --help does not list usable CPUs"

# 5. One real run: repeated models and backends are merged with a note, the seed is the
# one typed (CLI11 alone reads 010 as octal 8), --pin of an available CPU is accepted.
first_cpu=${allowed%%[-,]*}
"$bin" run --models cifarnet,cifarnet,cifarnet@32 --backends reference,reference --seed 010 \
  --pin "$first_cpu" --db "$work/a.db" "${quick[@]}" >"$work/out" 2>"$work/err" ||
  fail "run exited $?: $(tail -3 "$work/err")"
grep -q "note: --models names cifarnet more than once" "$work/err" || fail "no note for cifarnet,cifarnet"
grep -q "note: --models: 'cifarnet@32' is cifarnet again" "$work/err" || fail "no note for cifarnet@32"
grep -q "note: --backends names reference more than once" "$work/err" || fail "no note for reference x2"
[ "$(sqlite3 "$work/a.db" "SELECT count(DISTINCT config_key) FROM jobs")" = 1 ] ||
  fail "a repeated model or backend ran as a second job"
[ "$(sqlite3 "$work/a.db" "SELECT DISTINCT weight_seed FROM jobs")" = 10 ] ||
  fail "--seed 010 was not stored as 10"

# 6. Run ids: readable range errors, and no silent clamp to another run.
expect_usage "'99999999999999999999' is not a valid run id" results --db "$work/a.db" \
  --run 99999999999999999999
grep -q 9223372036854775807 "$work/err" && fail "results --run clamped to INT64_MAX"
expect_usage "is not a valid run id" results --db "$work/a.db" --run 0
expect_usage "no run 5 in" results --db "$work/a.db" --run 5
"$bin" results --db "$work/a.db" --run 01 >/dev/null 2>&1 || fail "results --run 01"

# 7. Reading never writes: no -wal/-shm left beside a database that was closed cleanly.
"$bin" results --db "$work/a.db" >/dev/null 2>&1 || fail "results exited $?"
"$bin" export --db "$work/a.db" --format json >/dev/null 2>&1 || fail "export exited $?"
[ ! -e "$work/a.db-wal" ] && [ ! -e "$work/a.db-shm" ] || fail "results/export left -wal/-shm"

# Read-only media and files: root ignores permissions, so run the reader as nobody.
as_reader() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v setpriv >/dev/null; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else
    return 99
  fi
}
chmod 755 "$work"
mkdir "$work/ro" "$work/rw"
cp "$work/a.db" "$work/ro/a.db"
cp "$work/a.db" "$work/rw/a.db"
chmod 444 "$work/ro/a.db" "$work/rw/a.db"
chmod 555 "$work/ro"
chmod 777 "$work/rw"
as_reader "$bin" results --db "$work/ro/a.db" >"$work/out" 2>"$work/err"
rc=$?
if [ "$rc" -eq 99 ]; then
  echo "note: read-only checks skipped (running as root without setpriv)"
else
  [ "$rc" -eq 0 ] || fail "results on read-only media exited $rc: $(head -c 300 "$work/err")"
  grep -qE "^cifarnet +reference" "$work/out" || fail "results on read-only media lacks its row"
  as_reader "$bin" export --db "$work/ro/a.db" --format json 2>"$work/err" |
    python3 -c 'import json,sys; assert json.load(sys.stdin)[0]["jobs"]' ||
    fail "export on read-only media: $(head -c 300 "$work/err")"
  as_reader "$bin" results --db "$work/rw/a.db" >/dev/null 2>"$work/err" ||
    fail "results on a read-only file exited $?: $(head -c 300 "$work/err")"
  as_reader "$bin" export --db "$work/rw/a.db" >/dev/null 2>&1 || fail "export on a read-only file"
  ls "$work/rw" | grep -qE -- "-(wal|shm)$" && fail "reading a read-only file left $(ls "$work/rw")"
  cmp -s "$work/a.db" "$work/rw/a.db" || fail "reading changed a read-only file"
fi

# 8. Exports never shorten text: a long failure message comes back whole.
long="$(printf 'x%.0s' $(seq 1 300))END"
sqlite3 "$work/a.db" "UPDATE jobs SET status = 'failed', error = '$long'"
"$bin" export --db "$work/a.db" --format csv | grep -q "${long}" || fail "export csv cut the detail"
"$bin" results --db "$work/a.db" --format csv | grep -q "${long}" || fail "results csv cut the detail"
"$bin" results --db "$work/a.db" --format json | grep -q "${long}" || fail "results json cut the detail"
"$bin" results --db "$work/a.db" | grep -q "END" && fail "the terminal table kept a 300-character cell"

# 9. A damaged file is refused for writing, left as it was, and reading it says so.
cp "$work/a.db" "$work/bad.db"
page_size=$(sqlite3 "$work/bad.db" "PRAGMA page_size")
page=$(sqlite3 "$work/bad.db" "SELECT pageno FROM dbstat WHERE name = 'jobs' LIMIT 1")
head -c "$page_size" /dev/urandom |
  dd of="$work/bad.db" bs="$page_size" seek=$((page - 1)) conv=notrunc status=none
if [ "$(sqlite3 "$work/bad.db" "PRAGMA integrity_check" 2>&1)" = ok ]; then
  fail "test setup: damaging page $page did not damage the file"
fi
cp "$work/bad.db" "$work/bad.orig"
"$bin" run --models cifarnet --backends reference --db "$work/bad.db" "${quick[@]}" \
  >/dev/null 2>"$work/err"
rc=$?
[ "$rc" -ne 0 ] || fail "run on a damaged database exited 0"
grep -q "damaged" "$work/err" || fail "run on a damaged database: $(head -c 300 "$work/err")"
grep -q "recover" "$work/err" || fail "the damaged-file error does not say how to recover"
cmp -s "$work/bad.db" "$work/bad.orig" || fail "run wrote to a damaged database"
for command in results export; do
  "$bin" $command --db "$work/bad.db" >/dev/null 2>"$work/err"
  rc=$?
  [ "$rc" -ne 0 ] || fail "$command on a damaged database exited 0"
  grep -q "damaged" "$work/err" || fail "$command on a damaged database: $(head -c 300 "$work/err")"
done

# 10. A wrong plugin folder is not blamed on the build.
"$bin" backends --format csv >"$work/default.csv" 2>/dev/null || fail "backends exited $?"
"$bin" backends --format csv --plugin-dir "$work/nowhere" >"$work/wrong.csv" 2>/dev/null ||
  fail "backends --plugin-dir exited $?"
EDGEBENCH_PLUGIN_DIR="$work/nowhere" "$bin" backends --format csv >"$work/env.csv" 2>/dev/null ||
  fail "backends with EDGEBENCH_PLUGIN_DIR exited $?"
grep -q "$work/nowhere" "$work/env.csv" || fail "EDGEBENCH_PLUGIN_DIR is not named in the reason"
while IFS=, read -r id available _; do
  id=${id//\"/}
  [ "${available//\"/}" = yes ] && [ "$id" != reference ] || continue
  line=$(grep "^\"$id\"," "$work/wrong.csv")
  echo "$line" | grep -q "not found in $work/nowhere" || fail "$id: reason lacks the folder: $line"
  echo "$line" | grep -q "built without" && fail "$id: a wrong folder is blamed on the build"
done <"$work/default.csv"
grep -v '^"reference"' "$work/wrong.csv" | tail -n +2 | grep -qv "not found in $work/nowhere" &&
  fail "a missing plugin's reason does not name the folder: $(cat "$work/wrong.csv")"

if [ "$failures" -ne 0 ]; then
  echo "$failures input validation check(s) failed"
  exit 1
fi
echo "input validation: all checks passed"
