#!/usr/bin/env bash
# A fleet of boards writing into one PostgreSQL database, end to end with the real binary:
# four `edgebench run` processes with different device labels at once, one of them killed
# with SIGKILL mid-job and resumed; `results`, `export` and `report` read the server; `push`
# of a board's SQLite file is idempotent and exports the same JSON as the file; a password
# in the URL is refused. The server (Debian's postgresql) is started here in a temporary
# folder on a Unix socket only, as nobody when run as root; skipped (77) where it is absent.
set -u
bin="$1"
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ] || [ ! -x "$pgbin/psql" ]; then
  echo "SKIP: PostgreSQL server not installed (Debian package postgresql)"
  exit 77
fi
work=$(mktemp -d)
as_server=()
if [ "$(id -u)" = 0 ]; then
  as_server=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  chown nobody:nogroup "$work"
  chmod 755 "$work"
fi
stop() {
  "${as_server[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$work"
}
trap stop EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
"${as_server[@]}" "$pgbin/initdb" -D "$work/pg" -U edgebench -A trust --no-sync -E UTF8 \
  --locale=C >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log"; exit 1; }
"${as_server[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/server.log" -w \
  -o "-k $work -c listen_addresses='' -c fsync=off" start >/dev/null ||
  { cat "$work/server.log"; exit 1; }
"$pgbin/psql" -qAt "postgresql://edgebench@/postgres?host=$work" -c "CREATE DATABASE fleet" ||
  exit 1
url="postgresql://edgebench@/fleet?host=$work"
q() { "$pgbin/psql" -qAt "$url" -c "$1" 2>/dev/null; }
export XDG_STATE_HOME="$work/state"  # where runs stage their results
mkdir -p "$work/cache" "$work/state"
quick=(--min-time 0 --max-time 30 --min-runs 3 --max-runs 3 --warmup-runs 1 --warmup-time 0
       --cache-dir "$work/cache")
started=$(date +%s%N)

# 1. Four boards at once. Board 4 runs resnet-18 last (order seed 5) with 5 runs a job, and
# is killed with SIGKILL once its first two jobs are on the server.
for b in 1 2 3; do
  "$bin" run --db "$url" --models cifarnet,vgg-s-32 --backends reference --repetitions 1 \
    --device-label "board-$b" "${quick[@]}" >"$work/out$b" 2>"$work/err$b" &
  pids[b]=$!
done
"$bin" run --db "$url" --models cifarnet,vgg-s-32,resnet-18 --backends reference \
  --device-label board-4 --min-time 30 --max-time 60 --min-runs 3 --max-runs 5 \
  --warmup-runs 1 --warmup-time 0 --cache-dir "$work/cache" --repetitions 1 --order-seed 5 \
  >/dev/null 2>&1 &
killed=$!
for _ in $(seq 1 1200); do
  on_server=$(q "SELECT count(*) FROM jobs JOIN runs ON runs.id = jobs.run_id WHERE \
                 device_label = 'board-4'")
  [ "${on_server:-0}" -ge 2 ] && break
  sleep 0.1
done
sleep 1  # resnet-18 is now running in its worker
kill -9 "$killed"
{ wait "$killed"; } 2>/dev/null
for b in 1 2 3; do
  wait "${pids[b]}" || fail "board-$b exited $?: $(tail -3 "$work/err$b")"
done
[ "$(q "SELECT count(*) FROM jobs JOIN runs ON runs.id = jobs.run_id WHERE \
        device_label = 'board-4'")" = 2 ] || fail "the killed board keeps its 2 finished jobs"

# 2. Board 4 resumes its own run (not the latest run on the server, another board's).
"$bin" run --db "$url" --models cifarnet,vgg-s-32,resnet-18 --backends reference \
  --device-label board-4 --resume "${quick[@]}" >"$work/out4" 2>"$work/err4" ||
  fail "resume exited $?: $(tail -3 "$work/err4")"
[ "$(grep -c "skipped (--resume)" "$work/err4")" = 2 ] || fail "resume skips board 4's 2 jobs"
elapsed=$(awk -v a="$started" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')

# 3. Everything arrived, with server ids, each job in its board's run.
[ "$(q "SELECT count(*) FROM runs")" = 4 ] || fail "4 runs (one per board): $(q "SELECT count(*) FROM runs")"
[ "$(q "SELECT string_agg(device_label || ':' || n, ' ' ORDER BY device_label) FROM \
        (SELECT device_label, count(jobs.id) n FROM runs JOIN jobs ON jobs.run_id = runs.id \
         GROUP BY device_label) t")" = "board-1:2 board-2:2 board-3:2 board-4:3" ] ||
  fail "jobs per board: $(q "SELECT device_label, count(*) FROM runs JOIN jobs ON run_id = runs.id GROUP BY 1")"
[ "$(q "SELECT count(*) FROM jobs WHERE status = 'ok'")" = 9 ] || fail "9 ok jobs"
[ "$(q "SELECT count(*) FROM jobs j WHERE sample_count != (SELECT count(*) FROM samples s \
        WHERE s.job_id = j.id)")" = 0 ] || fail "every sample of every job arrived"
[ "$(q "SELECT count(*) FROM samples")" = $((6 * 3 + 5 + 5 + 3)) ] || fail "sample count"
[ "$(q "SELECT count(DISTINCT uid) FROM jobs")" = 9 ] || fail "job uids unique"
[ "$(q "SELECT count(*) FROM runs WHERE finished_at IS NULL")" = 0 ] || fail "runs finished"
board4_run=$(q "SELECT id FROM runs WHERE device_label = 'board-4'")
grep -q "run $board4_run stored in $url (device 'board-4'" "$work/out4" ||
  fail "run prints the server's run id: $(grep stored "$work/out4")"

# 4. Every reading command works on the server.
for b in 1 2 3 4; do
  run=$(q "SELECT id FROM runs WHERE device_label = 'board-$b'")
  rows=$("$bin" results --db "$url" --run "$run" --format csv | tail -n +2 | wc -l)
  [ "$rows" -ge 2 ] || fail "results --run $run (board-$b) shows its jobs"
done
EDGEBENCH_DB="$url" "$bin" export --format csv | grep -c '"board-' | grep -qx 9 ||
  fail "export (EDGEBENCH_DB) lists the 9 jobs of the four boards"
"$bin" report --db "$url" -o "$work/report" --no-svg --no-reference >"$work/report.out" 2>&1 ||
  fail "report exited $?: $(tail -3 "$work/report.out")"
for b in 1 2 3 4; do
  grep -rqs "board-$b" "$work/report" || fail "report shows board-$b"
done
"$bin" matrix --db "$url" --models cifarnet --backends reference >/dev/null 2>&1 ||
  fail "matrix reads the server"
[ -z "$(ls "$work/state/edgebench" | grep -v "^pg-staging-.*-$killed.db")" ] ||
  fail "finished runs leave no staging files: $(ls "$work/state/edgebench")"

# 5. push: a board that measured offline into SQLite; twice adds nothing; the same JSON.
"$bin" run --db "$work/lite.db" --models cifarnet --backends reference --repetitions 2 \
  --device-label lite "${quick[@]}" >/dev/null 2>&1 || fail "sqlite run"
"$bin" push "$work/lite.db" "$url" >"$work/push1" 2>&1 || fail "push exited $?: $(cat "$work/push1")"
grep -q "1 runs added, 0 already there; 2 jobs added" "$work/push1" || fail "push: $(cat "$work/push1")"
"$bin" push "$work/lite.db" "$url" >"$work/push2" 2>&1 || fail "second push exited $?"
grep -q "0 runs added, 1 already there; 0 jobs added (0 other rows), 2 already there" \
  "$work/push2" || fail "second push adds nothing: $(cat "$work/push2")"
[ "$(q "SELECT count(*) FROM runs")" = 5 ] || fail "pushing twice adds one run"
"$bin" export --db "$work/lite.db" --format json >"$work/lite.json"
"$bin" export --db "$url" --format json >"$work/server.json"
python3 - "$work/lite.json" "$work/server.json" <<'PY' || fail "SQLite and PostgreSQL export the same JSON"
import json, sys
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in ("id", "run_id", "job_id")}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
local = json.load(open(sys.argv[1]))
server = [r for r in json.load(open(sys.argv[2])) if r["device_label"] == "lite"]
assert len(local) == 1 and len(server) == 1, (len(local), len(server))
assert strip(local) == strip(server), "exports differ"
PY

# 6. A password in the URL is refused before anything runs, pointing at PGPASSWORD/.pgpass.
"$bin" run --db "postgresql://edgebench:s3cret@/fleet?host=$work" --models cifarnet \
  >"$work/pw.out" 2>"$work/pw.err"
[ $? = 2 ] || fail "a password in the URL exits 2"
grep -q "PGPASSWORD or ~/.pgpass" "$work/pw.err" || fail "says to use PGPASSWORD/~/.pgpass"
[ "$(q "SELECT count(*) FROM runs WHERE command_line LIKE '%s3cret%' OR environment_json \
        LIKE '%s3cret%'")" = 0 ] || fail "no stored password"

# 7. The server goes down mid-run: the board measures on into its staging file, exits 1
# naming the file and the push command; once the server is back, that push completes it.
"$bin" run --db "$url" --models cifarnet,vgg-s-32 --backends reference --repetitions 2 \
  --device-label board-5 --min-time 1 --max-time 2 --min-runs 3 --max-runs 100000 \
  --warmup-runs 1 --warmup-time 0 --cache-dir "$work/cache" >/dev/null 2>"$work/err5" &
offline=$!
for _ in $(seq 1 600); do
  on_server=$(q "SELECT count(*) FROM jobs JOIN runs ON runs.id = jobs.run_id WHERE \
                 device_label = 'board-5'")
  [ "${on_server:-0}" -ge 1 ] && break
  sleep 0.1
done
"${as_server[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1
wait "$offline"
[ $? = 1 ] || fail "a run that lost its server exits 1"
staged=$(grep -o "edgebench push [^ ]* " "$work/err5" | awk '{print $3}')
[ -n "$staged" ] && [ -f "$staged" ] || fail "the run names its local file: $(cat "$work/err5")"
"${as_server[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/server.log" -w \
  -o "-k $work -c listen_addresses='' -c fsync=off" start >/dev/null || fail "restart"
"$bin" push "$staged" "$url" >"$work/push5" 2>&1 || fail "push of the staged file: $(cat "$work/push5")"
[ "$(q "SELECT count(*) FROM jobs JOIN runs ON runs.id = jobs.run_id WHERE \
        device_label = 'board-5'")" = 4 ] || fail "after the push the server has board-5's 4 jobs"
[ "$(q "SELECT count(*) FROM runs WHERE device_label = 'board-5' AND finished_at IS NOT NULL")" \
  = 1 ] || fail "board-5's run is finished on the server"

echo "four boards, kill and resume: ${elapsed} s; $(q "SELECT count(*) FROM jobs") jobs, \
$(q "SELECT count(*) FROM samples") samples on the server"
if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "postgres fleet: all checks passed"
