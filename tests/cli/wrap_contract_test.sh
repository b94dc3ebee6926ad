#!/usr/bin/env bash
# `run --wrap`: a launcher that fails, one that does not exist, one that cannot be executed
# and bad quoting are each a recorded failed job (or a usage error), never a crash; a
# working launcher is recorded with the job and keeps it apart from bare results.
set -u
bin="$1"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
quick=(--models cifarnet --backends reference --min-time 0 --max-time 30 --min-runs 3
       --max-runs 3 --warmup-runs 0 --warmup-time 0 --cache-dir "$work/cache" --repetitions 1)
sql() { sqlite3 "$work/w.db" "$1"; }

# 1. --wrap false: the launcher exits 1 before any worker ran.
"$bin" run "${quick[@]}" --db "$work/w.db" --wrap false >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" = 1 ] || fail "--wrap false: exit $rc, expected 1 (a failed job)"
[ "$(sql "SELECT status || '|' || wrapper FROM jobs")" = "failed|false" ] ||
  fail "--wrap false not a recorded failed job: $(sql "SELECT status, wrapper FROM jobs")"
sql "SELECT error FROM jobs" | grep -q "launcher 'false' exited with code 1 before the worker started" ||
  fail "--wrap false: error lacks the launcher's failure: $(sql "SELECT error FROM jobs")"

# 2. A launcher that does not exist, and one that is not executable.
"$bin" run "${quick[@]}" --db "$work/w.db" --wrap 'edgebench-no-such-launcher -x' \
  >/dev/null 2>&1
[ $? = 1 ] || fail "missing launcher: exit code"
sql "SELECT error FROM jobs WHERE wrapper LIKE 'edgebench-no-such%'" |
  grep -q "'edgebench-no-such-launcher' was not found in PATH" || fail "missing launcher error"
printf 'not a program\n' >"$work/not-executable"
chmod 644 "$work/not-executable"
"$bin" run "${quick[@]}" --db "$work/w.db" --wrap "$work/not-executable" >/dev/null 2>&1
[ $? = 1 ] || fail "non-executable launcher: exit code"
sql "SELECT error FROM jobs WHERE wrapper LIKE '%not-executable'" |
  grep -q "cannot execute the launcher .*Permission denied" || fail "exec failure not recorded"

# 3. The launcher's own stderr travels with the failure.
"$bin" run "${quick[@]}" --db "$work/w.db" --wrap 'sh -c "echo launcher-said-no >&2; exit 3"' \
  >/dev/null 2>&1
sql "SELECT error FROM jobs WHERE wrapper LIKE 'sh -c%'" | grep -q "code 3.*launcher-said-no" ||
  fail "launcher stderr: $(sql "SELECT error FROM jobs WHERE wrapper LIKE 'sh -c%'")"

# 4. Refused before anything runs: bad quoting, --wrap with --container, --compare-wrap alone.
for args in "--wrap 'a b" "--wrap env --container bwrap" "--compare-wrap"; do
  eval "\"\$bin\" run \"\${quick[@]}\" --db \"$work/refused.db\" $args" >/dev/null 2>"$work/err"
  rc=$?
  [ "$rc" = 2 ] || fail "'$args': exit $rc, expected 2"
  [ -s "$work/err" ] || fail "'$args': no message"
done
[ -e "$work/refused.db" ] && fail "a refused run created its database"

# 5. A working launcher (env passes the worker's command on): recorded, labelled, keyed.
"$bin" run "${quick[@]}" --db "$work/ok.db" --wrap 'env EDGEBENCH_WRAPPED=1' >"$work/out" 2>&1 ||
  fail "run through env: $(tail -3 "$work/out")"
grep -qE "^cifarnet +reference via env +1 +ok" "$work/out" || fail "table lacks 'reference via env'"
[ "$(sqlite3 "$work/ok.db" "SELECT wrapper || '|' || new_namespaces FROM jobs")" = "env EDGEBENCH_WRAPPED=1|" ] ||
  fail "env wrapper record: $(sqlite3 "$work/ok.db" "SELECT wrapper, new_namespaces FROM jobs")"
sqlite3 "$work/ok.db" "SELECT config_key FROM jobs" | grep -q ";wrapper=env EDGEBENCH_WRAPPED\\\\=1$" ||
  fail "config key lacks the wrapper: $(sqlite3 "$work/ok.db" "SELECT config_key FROM jobs")"
# --resume with the same launcher finds the job done; without it, the bare job is new.
"$bin" run "${quick[@]}" --db "$work/ok.db" --wrap 'env EDGEBENCH_WRAPPED=1' --resume \
  >/dev/null 2>"$work/err" || fail "resume wrapped"
grep -q "skipped (--resume)" "$work/err" || fail "the wrapped job was not found done on resume"
"$bin" run "${quick[@]}" --db "$work/ok.db" --resume >/dev/null 2>"$work/err" || fail "resume bare"
grep -q "skipped (--resume)" "$work/err" && fail "a wrapped result stood in for a bare one"
[ "$(sqlite3 "$work/ok.db" "SELECT count(*) FROM jobs WHERE status='ok'")" = 2 ] ||
  fail "bare and wrapped jobs both stored"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "wrap contract: all checks passed"
