#!/usr/bin/env bash
# The default `edgebench run` N times in a row (default 3); per job, how far the p50s of
# the runs lie apart: (max - min) / min. A benchmark of the measurement itself: one
# process's CI is only honest if separate invocations agree within it.
# Usage: default_run_spread.sh EDGEBENCH_BINARY [RUNS] [extra run options...]
set -euo pipefail
bin="$1"
runs="${2:-3}"
shift $(( $# >= 2 ? 2 : 1 ))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  "$bin" run --db "$work/run$i.db" "$@" >/dev/null 2>&1 || true
  echo "run $i: $(( $(date +%s) - start )) s" >&2
  "$bin" results --db "$work/run$i.db" --format csv >"$work/run$i.csv"
done
python3 - "$work" "$runs" <<'PY'
import csv, sys
work, runs = sys.argv[1], int(sys.argv[2])
p50 = {}
for i in range(1, runs + 1):
    for row in csv.DictReader(open(f"{work}/run{i}.csv")):
        try:
            p50.setdefault((row["model"], row["backend"]), []).append(float(row["p50(ms)"]))
        except ValueError:
            pass
print("model backend p50_ms_per_run spread_pct verdicts")
for (model, backend), values in sorted(p50.items()):
    spread = (max(values) - min(values)) / min(values) * 100
    print(f"{model} {backend} {'/'.join(f'{v:.2f}' for v in values)} {spread:.1f}")
PY
