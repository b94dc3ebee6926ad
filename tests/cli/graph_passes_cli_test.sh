#!/usr/bin/env bash
# Graph-pass toggles end to end: `--opt none --opt prune-channels=0.5` runs both models,
# the pruned one with fewer MACs and its measured deviation stored; bad values exit 2.
set -u
bin="$1"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
quick=(--min-time 0 --max-time 30 --min-runs 2 --max-runs 2 --warmup-runs 0 --warmup-time 0
       --cache-dir "$work/cache" --repetitions 1)

"$bin" run --models cifarnet --backends reference --opt none --opt prune-channels=0.5 \
  --db "$work/a.db" "${quick[@]}" >"$work/out" 2>"$work/err" || fail "run exited $?: $(tail -3 "$work/err")"
grep -qE "^cifarnet +reference \[prune-channels=0.5\] +1 +ok" "$work/out" || fail "pruned row missing"
row=$(sqlite3 "$work/a.db" "SELECT g.macs_before > g.macs_after, g.macs_after = j.model_macs,
  g.quality_inputs, g.rel_l2_max > 0 FROM graph_passes g JOIN jobs j ON j.id = g.job_id")
[ "$row" = "1|1|32|1" ] || fail "graph_passes row: '$row'"
[ "$(sqlite3 "$work/a.db" "SELECT count(*) FROM graph_passes")" = 1 ] || fail "one pass record"

"$bin" run --models cifarnet --backends reference --opt prune=2 --db "$work/b.db" "${quick[@]}" \
  >/dev/null 2>"$work/err2"
[ $? = 2 ] || fail "--opt prune=2 must exit 2"
grep -q "strictly between 0 and 1" "$work/err2" || fail "prune=2 error: $(cat "$work/err2")"
[ -e "$work/b.db" ] && fail "a refused run created its database"

[ "$failures" = 0 ] && echo "graph passes CLI: all checks passed"
exit $((failures > 0))
