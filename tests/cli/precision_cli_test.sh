#!/usr/bin/env bash
# Precision toggles end to end: `--opt none --opt int8` runs an int8 job (calibrated in its
# worker, verified at the int8 bound) stored with precision int8 and labelled "[int8]" next
# to the fp32 one; a precision the CPU or backend lacks is an unsupported job with the
# reason; two precisions in one toggle set exit 2.
set -u
bin="$1"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
quick=(--min-time 0 --max-time 30 --min-runs 2 --max-runs 2 --warmup-runs 0 --warmup-time 0
       --cache-dir "$work/cache" --repetitions 1)

if "$bin" backends 2>/dev/null | grep -qE "^onednn +yes"; then
  "$bin" run --models cifarnet --backends onednn --opt none --opt int8 --opt fp16 \
    --db "$work/a.db" "${quick[@]}" >"$work/out" 2>"$work/err" || fail "run exited $?: $(tail -3 "$work/err")"
  grep -qE "^cifarnet +onednn \[int8\] +1 +ok" "$work/out" || fail "int8 row missing: $(cat "$work/out")"
  grep -qE "^cifarnet +onednn +1 +ok" "$work/out" || fail "fp32 row missing"
  grep -qE "^cifarnet +onednn \[fp16\] +1 +unsupported .*fp16 unsupported" "$work/out" ||
    fail "fp16 row must be unsupported with the reason"
  rows=$(sqlite3 "$work/a.db" "SELECT precision || ':' || status || ':' || toggles FROM jobs ORDER BY precision")
  [ "$rows" = "$(printf 'fp16:unsupported:\nfp32:ok:\nint8:ok:')" ] || fail "stored jobs: '$rows'"
else
  echo "onednn not available: the int8 run is skipped"
fi

"$bin" run --models cifarnet --backends reference --opt int8+fp16 --db "$work/b.db" "${quick[@]}" \
  >/dev/null 2>"$work/err2"
[ $? = 2 ] || fail "--opt int8+fp16 must exit 2"
grep -q "two precisions" "$work/err2" || fail "int8+fp16 error: $(cat "$work/err2")"

[ "$failures" = 0 ] && echo "precision CLI: all checks passed"
