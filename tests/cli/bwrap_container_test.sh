#!/usr/bin/env bash
# The built-in container (`run --container bwrap`): the worker itself records the
# namespaces it ran in, and they must differ from this shell's; its PID is small, as in a
# new PID namespace. Then the overhead experiment (`--compare-wrap`) on two small models
# prints the overhead with its confidence interval, in `run` and in `results`.
# Skipped (exit 77) where bubblewrap is missing or may not create namespaces.
# Usage: bwrap_container_test.sh EDGEBENCH [namespaces|overhead|all] (default all).
set -u
bin="$1"
part="${2:-all}"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
if ! command -v bwrap >/dev/null; then
  echo "SKIP: bubblewrap is not installed (Debian: apt-get install bubblewrap)"
  exit 77
fi
if ! probe=$(bwrap --unshare-user --unshare-pid --unshare-ipc --unshare-uts --unshare-net \
               --ro-bind / / --proc /proc --dev /dev true 2>&1); then
  echo "SKIP: bwrap cannot create namespaces here: ${probe:-no message}" \
       "(unprivileged user namespaces disabled? see sysctl user.max_user_namespaces," \
       "kernel.unprivileged_userns_clone, kernel.apparmor_restrict_unprivileged_userns)"
  exit 77
fi
quick=(--backends reference --min-time 0 --max-time 30 --min-runs 3 --max-runs 3
       --warmup-runs 0 --warmup-time 0 --cache-dir "$work/cache")
sql() { sqlite3 "$1" "$2"; }

# 1. One job in the container: new namespaces, seen from inside the worker.
if [ "$part" != overhead ]; then
"$bin" run --models cifarnet "${quick[@]}" --repetitions 1 --db "$work/c.db" --container bwrap \
  >"$work/out" 2>&1 || fail "run in the container: $(tail -5 "$work/out")"
[ "$(sql "$work/c.db" "SELECT status || '|' || wrapper FROM jobs")" = "ok|container:bwrap" ] ||
  fail "container job: $(sql "$work/c.db" "SELECT status, wrapper, error FROM jobs")"
worker_ns=$(sql "$work/c.db" "SELECT worker_namespaces FROM jobs")
for kind in user pid ipc uts net mnt; do
  ours=$(readlink "/proc/self/ns/$kind")
  theirs=$(tr ' ' '\n' <<<"$worker_ns" | grep "^$kind:")
  [ -n "$theirs" ] || fail "the worker recorded no $kind namespace ($worker_ns)"
  [ "$theirs" != "$ours" ] || fail "the worker shared our $kind namespace ($ours)"
done
[ "$(sql "$work/c.db" "SELECT new_namespaces FROM jobs")" = "ipc,mnt,net,pid,user,uts" ] ||
  fail "new_namespaces: $(sql "$work/c.db" "SELECT new_namespaces FROM jobs")"
pid=$(sql "$work/c.db" "SELECT worker_pid FROM jobs")
[ "$pid" -ge 1 ] && [ "$pid" -le 3 ] || fail "worker PID $pid is not one of a new PID namespace"
# A bare worker shares our namespaces (the evidence can tell the two apart).
"$bin" run --models cifarnet "${quick[@]}" --repetitions 1 --db "$work/b.db" >/dev/null 2>&1 ||
  fail "bare run"
[ "$(sql "$work/b.db" "SELECT new_namespaces FROM jobs")" = "" ] || fail "bare worker in new namespaces?"
"$bin" results --db "$work/b.db" --overhead >/dev/null 2>&1 && fail "--overhead of a bare run"
fi

# 2. The overhead experiment: two models, bare and wrapped back to back, two rounds.
if [ "$part" != namespaces ]; then
"$bin" run --models cifarnet,cifarnet-valid "${quick[@]}" --repetitions 2 --order-seed 3 \
  --db "$work/o.db" --container bwrap --compare-wrap >"$work/out" 2>"$work/err" ||
  fail "compare-wrap run: $(tail -5 "$work/err")"
grep -q "^Launcher overhead" "$work/out" || fail "run prints no overhead table"
for model in cifarnet cifarnet-valid; do
  grep -qE "^$model +reference +container:bwrap +2 .*[+-][0-9.]+ \[[+-][0-9.]+, [+-][0-9.]+\] +(within noise|slower|faster)" \
    "$work/out" || fail "no overhead +- CI row for $model: $(grep "^$model" "$work/out")"
done
[ "$(sql "$work/o.db" "SELECT count(*) FROM jobs WHERE status='ok'")" = 8 ] ||
  fail "2 models x bare/wrapped x 2 rounds stored"
# Each round ran a model's bare and wrapped workers back to back.
adjacent=$(sql "$work/o.db" "SELECT count(*) FROM jobs a JOIN jobs b ON a.run_id = b.run_id \
  AND b.order_index = a.order_index + 1 AND a.model = b.model AND a.repetition = b.repetition \
  AND a.wrapper != b.wrapper AND a.order_index % 2 = 0")
[ "$adjacent" = 4 ] || fail "bare/wrapped pairs not back to back ($adjacent of 4)"
"$bin" results --db "$work/o.db" --overhead --format csv >"$work/csv" || fail "results --overhead"
[ "$(grep -c '"container:bwrap"' "$work/csv")" = 2 ] || fail "results --overhead rows"
head -1 "$work/csv" | grep -q "overhead % \[95% CI\]" || fail "overhead header"
"$bin" results --db "$work/o.db" | grep -q "^Launcher overhead" || fail "results shows no overhead"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "bwrap container: all checks passed"
