#!/usr/bin/env bash
# `edgebench report` over a database built by the real harness (two small models on the
# reference backend, measured on two device labels, one a cold start): every figure with
# data has its SVG, CSV and Markdown and states its unit; figures without data (energy,
# soak, container) say how to get it; a missing database is an error. A second database
# has sensor data (a fixture thermal zone and an external meter command, around a run and
# a soak) and must draw the energy, power-latency and soak figures. Both reports are
# opened in headless Chromium from disk: every chart must draw data marks, with no
# console error, and a screenshot is saved (REPORT_SCREENSHOT=path keeps the first).
# Usage: report_test.sh EDGEBENCH
set -u
bin="$1"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# Two models the study also ran (the paper's devices appear beside them).
quick=(--backends reference --repetitions 1 --min-runs 3 --min-time 0 --max-time 1
       --warmup-runs 0 --warmup-time 0 --target-ci 0 --cache-dir "$work/cache")

"$bin" run --models cifarnet,vgg-s-32 --device-label board-a "${quick[@]}" --db "$work/r.db" >"$work/run1" 2>&1 ||
  fail "run on board-a: $(tail -3 "$work/run1")"
"$bin" run --models cifarnet --device-label board-b --cold "${quick[@]}" --db "$work/r.db" >"$work/run2" 2>&1 ||
  fail "run on board-b: $(tail -3 "$work/run2")"

"$bin" report --db "$work/r.db" -o "$work/report" >"$work/out" 2>&1 || fail "report: $(cat "$work/out")"
grep -q "index.html" "$work/out" || fail "report does not print its path: $(cat "$work/out")"
html="$work/report/index.html"
[ -s "$html" ] || fail "no index.html"
grep -q "https\?://[a-z]" <(grep -o '<script src=[^>]*>' "$html") && fail "the page loads a script over the network"

# Figures that must have data here, with the unit their caption states.
for fig in models:parameter latency:milliseconds best-backend:milliseconds \
  devices:milliseconds device-speedup:geometric startup:Milliseconds memory:MiB \
  roofline:FLOP distributions:milliseconds; do
  id=${fig%%:*}
  unit=${fig#*:}
  [ -s "$work/report/figures/$id.svg" ] || fail "figures/$id.svg missing or empty"
  grep -q "<svg" "$work/report/figures/$id.svg" 2>/dev/null || fail "figures/$id.svg is not SVG"
  [ -s "$work/report/tables/$id.csv" ] || fail "tables/$id.csv missing"
  [ -s "$work/report/tables/$id.md" ] || fail "tables/$id.md missing"
  grep -q "data-figure=\"$id\"" "$html" || fail "no chart for $id in the page"
  sed -n "/<section id=\"$id\">/,/<\/section>/p" "$html" | grep -q "$unit" ||
    fail "figure $id does not state '$unit'"
done
grep -q "board-a" "$work/report/tables/devices.csv" || fail "device board-a not in the devices table"
grep -q "board-b" "$work/report/tables/device-speedup.csv" || fail "no speed-up of board-b over board-a"
grep -q "(paper)" "$work/report/tables/devices.csv" || fail "the study's devices are not beside"
grep -q "first run" "$work/report/tables/startup.csv" || fail "the start-up table lacks the first run"
for id in energy power-temperature container; do
  sed -n "/<section id=\"$id\">/,/<\/section>/p" "$html" | grep -q 'class="nodata">no data: ' ||
    fail "figure $id does not say it has no data and how to get it"
done
# One backend only: no framework comparison, and it says so.
sed -n '/<section id="framework-speedup">/,/<\/section>/p' "$html" | grep -q "no data" ||
  fail "framework comparison with one backend does not say no data"

# Sensor figures from a board with sensors: a fixture thermal zone (no sensor here) and an
# external meter command printing 5.5 W, around a run and a 2 s soak.
mkdir -p "$work/sys/sys/class/thermal/thermal_zone0"
echo soc-thermal >"$work/sys/sys/class/thermal/thermal_zone0/type"
echo 45000 >"$work/sys/sys/class/thermal/thermal_zone0/temp"
meter=(--sysfs-root "$work/sys" --power-cmd 'while :; do echo 5.5; sleep 0.02; done')
"$bin" run --models cifarnet --device-label board-s "${quick[@]}" "${meter[@]}" --db "$work/s.db" >"$work/runs" 2>&1 ||
  fail "run with sensors: $(tail -3 "$work/runs")"
"$bin" soak --model cifarnet --backend reference --duration 2s --buckets 4 --cache-dir "$work/cache" \
  "${meter[@]}" --db "$work/s.db" >"$work/soak" 2>&1 || fail "soak: $(tail -3 "$work/soak")"
"$bin" report --db "$work/s.db" -o "$work/sensors" >"$work/out" 2>&1 || fail "report with sensors: $(cat "$work/out")"
for fig in energy:Millijoules power-latency:W power-temperature:seconds; do
  id=${fig%%:*}
  unit=${fig#*:}
  [ -s "$work/sensors/figures/$id.svg" ] || fail "sensors: figures/$id.svg missing or empty"
  section=$(tr '\n' ' ' <"$work/sensors/index.html" | grep -o "<section id=\"$id\">.*" | sed 's|</section>.*||')
  grep -q "no data" <<<"$section" && fail "sensors: figure $id says no data"
  grep -q "$unit" <<<"$section" || fail "sensors: figure $id does not state '$unit'"
done
# The container figure, where bubblewrap can make namespaces here: bare and bwrap pairs.
if command -v bwrap >/dev/null && bwrap --unshare-all --ro-bind / / true 2>/dev/null; then
  "$bin" run --models cifarnet --device-label board-w --compare-wrap --container bwrap \
    "${quick[@]}" --db "$work/w.db" >"$work/runw" 2>&1 || fail "compare-wrap: $(tail -3 "$work/runw")"
  "$bin" report --db "$work/w.db" -o "$work/wrapped" >/dev/null 2>&1 || fail "report of the wrapped run"
  grep -q "container:bwrap" "$work/wrapped/tables/container.csv" 2>/dev/null ||
    fail "no bare-vs-bwrap row in the container figure"
  [ -s "$work/wrapped/figures/container.svg" ] || fail "figures/container.svg missing"
else
  echo "note: bubblewrap cannot make namespaces here; the container figure is not checked"
fi
grep -q "external-meter" "$work/sensors/tables/power-latency.csv" ||
  fail "power-latency does not name the meter's boundary: $(head -3 "$work/sensors/tables/power-latency.csv")"

# Merging: each board's database into one, twice (the second adds nothing), labels kept.
"$bin" run --models cifarnet --device-label board-c "${quick[@]}" --db "$work/c.db" >/dev/null 2>&1 ||
  fail "run on board-c"
"$bin" merge "$work/r.db" "$work/c.db" -o "$work/fleet.db" >"$work/merge1" 2>&1 || fail "merge: $(cat "$work/merge1")"
"$bin" merge "$work/r.db" "$work/c.db" -o "$work/fleet.db" >"$work/merge2" 2>&1 || fail "merge again"
grep -q "0 runs added" "$work/merge2" || fail "merging again added runs: $(cat "$work/merge2")"
"$bin" report --db "$work/fleet.db" -o "$work/fleet" >/dev/null 2>&1 || fail "report of the merged database"
for device in board-a board-b board-c; do
  grep -q "$device" "$work/fleet/tables/devices.csv" || fail "$device lost in the merge"
done

"$bin" report --db "$work/r.db" --no-reference -o "$work/noref" >/dev/null 2>&1 || fail "--no-reference"
grep -q "paper" "$work/noref/tables/devices.csv" && fail "--no-reference still shows the study"
"$bin" report --db "$work/absent.db" -o "$work/x" >"$work/err" 2>&1 && fail "a missing database succeeded"
grep -q "no such results database" "$work/err" || fail "missing database message: $(cat "$work/err")"

# The browser: every chart drew marks, no console error; a screenshot.
browser=$(command -v chromium || command -v chromium-browser || true)
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --no-first-run --user-data-dir="$work/profile"
       --virtual-time-budget=30000)
# browse REPORT_DIR MIN_CHARTS SCREENSHOT
browse() {
  local html="$1/index.html" name
  name=$(basename "$1")
  timeout 120 "$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom \
    "file://$html" >"$work/dom.html" 2>"$work/console.txt" || fail "$name: chromium --dump-dom failed"
  grep -q 'data-done="yes"' "$work/dom.html" || fail "$name: the page never finished drawing"
  grep -q 'data-errors="0"' "$work/dom.html" || fail "$name: the page reported errors: $(grep -o 'data-error="[^"]*"' "$work/dom.html" | head -3)"
  figures=$(grep -c 'data-figure="' "$html")
  drawn=$(grep -o 'data-drawn="yes"' "$work/dom.html" | wc -l)
  [ "$drawn" -eq "$figures" ] && [ "$figures" -ge "$2" ] ||
    fail "$name: $drawn of $figures charts drew data marks: $(grep -o 'data-figure="[a-z-]*"[^>]*' "$work/dom.html" | grep -v 'drawn="yes"' | head -3)"
  grep "CONSOLE" "$work/console.txt" | grep -qi "error" &&
    fail "$name: console errors: $(grep CONSOLE "$work/console.txt" | head -3)"
  timeout 120 "$browser" "${flags[@]}" --window-size=1200,3000 --screenshot="$3" \
    "file://$html" >/dev/null 2>&1 || fail "$name: screenshot failed"
  [ -s "$3" ] || fail "$name: no screenshot written"
}
if [ -z "$browser" ]; then
  fail "chromium is not installed (scripts/install-deps installs it)"
else
  browse "$work/report" 9 "${REPORT_SCREENSHOT:-$work/screenshot.png}"
  browse "$work/sensors" 3 "$work/sensors.png"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "report CLI: all checks passed"
