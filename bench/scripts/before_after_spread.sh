#!/usr/bin/env bash
# Two edgebench builds' default `run`, alternated N times (B A B A ...) so machine drift
# hits both alike; per job, the spread of the p50s across each build's runs, and each
# run's wall time and VALID count. Usage: before_after_spread.sh BEFORE_BIN AFTER_BIN [N]
set -euo pipefail
before="$1"
after="$2"
rounds="${3:-3}"
# Databases and tables stay in $KEEP (default: a temporary folder removed at the end).
if [ -n "${KEEP:-}" ]; then
  work=$KEEP
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
for i in $(seq 1 "$rounds"); do
  for which in before after; do
    bin=$before
    [ "$which" = after ] && bin=$after
    start=$(date +%s.%N)
    "$bin" run --db "$work/$which$i.db" --cache-dir "$work/cache-$which" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    "$bin" results --db "$work/$which$i.db" --format csv >"$work/$which$i.csv"
    echo "$which run $i: $(python3 -c "print(f'{$end - $start:.0f}')") s" >&2
  done
done
python3 - "$work" "$rounds" <<'PY'
import csv, sys
work, rounds = sys.argv[1], int(sys.argv[2])
for which in ("before", "after"):
    p50, valid = {}, []
    for i in range(1, rounds + 1):
        rows = list(csv.DictReader(open(f"{work}/{which}{i}.csv")))
        valid.append(sum(1 for r in rows if r.get("verdict") == "VALID"))
        for row in rows:
            try:
                value = float(row["p50(ms)"])
            except (ValueError, KeyError):
                continue  # a job without timing in this run (failed, unsupported)
            p50.setdefault((row["model"], row["backend"]), []).append(value)
    print(f"## {which}: VALID rows per run {valid}")
    print("model backend p50_ms_per_run spread_pct")
    spreads = []
    for (model, backend), values in sorted(p50.items()):
        spread = (max(values) - min(values)) / min(values) * 100
        spreads.append(spread)
        print(f"{model} {backend} {'/'.join(f'{v:.2f}' for v in values)} {spread:.1f}")
    spreads.sort()
    if not spreads:
        continue
    print(f"median spread {spreads[len(spreads) // 2]:.1f} %, max {spreads[-1]:.1f} %")
PY
