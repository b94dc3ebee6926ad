#!/usr/bin/env bash
# `edgebench profile` as a user drives it, on the reference engine (always built): every IR
# node of the model gets a row, the totals and overhead rows are there, JSON parses and
# carries the same nodes, the profile is stored in the database, and a bad backend is a
# usage error.
# Usage: profile_contract_test.sh EDGEBENCH
set -u
bin="$1"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
common=(--backends reference --runs 2 --min-runs 2 --max-time 0.5 --cache-dir "$work/cache"
        --db "$work/r.db")

"$bin" profile --model cifarnet "${common[@]}" >"$work/out" 2>"$work/err" ||
  fail "profile cifarnet exited $?: $(tail -2 "$work/err")"
# CifarNet's 15 IR nodes, each with its own row (node name, then its op).
for node in conv1 conv1_relu pool1 norm1 conv2 conv2_relu norm2 pool2 flatten fc3 fc3_relu \
            fc4 fc4_relu logits prob; do
  grep -qE "^$node +[a-z_]+ +[0-9.]+ +[0-9.]+ " "$work/out" || fail "no timed row for $node"
done
for total in "= attributed to layers" "= end-to-end p50, profiled" \
             "= end-to-end p50, unprofiled" "= profiling overhead"; do
  grep -qF "$total" "$work/out" || fail "no '$total' row"
done

"$bin" profile --model cifarnet "${common[@]}" --format json >"$work/json" 2>"$work/err" ||
  fail "profile --format json exited $?"
python3 - "$work/json" <<'PY' || fail "profile JSON"
import json, sys
rows = json.load(open(sys.argv[1]))
nodes = [r["ir_node"] for r in rows if not r["ir_node"].startswith(("=", "+"))]
assert len(nodes) == 15 and nodes[0] == "conv1" and nodes[-1] == "prob", nodes
assert all(r["model"] == "cifarnet" for r in rows)
assert all(isinstance(r["reference_ms"], float) for r in rows if r["ir_node"] in nodes)
PY

count=$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(
  "SELECT count(*) FROM layer_profile_rows r JOIN layer_profiles p USING (job_id) "
  "WHERE p.no_profiler_reason = \"\"").fetchone()[0])' "$work/r.db")
[ "$count" = "30" ] || fail "expected 2 x 15 stored rows, found $count"

"$bin" profile --model cifarnet --backends no-such-backend --db "$work/r.db" >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown backend is a usage error"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "profile contract: all checks passed"
