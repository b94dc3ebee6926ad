#!/usr/bin/env bash
# edgebench's libtorch-script beside PyTorch's own TorchScript timing of the same
# torchvision architectures, interleaved in one sitting (A B, B A, ...) so machine drift
# hits both alike. Usage: compare_pytorch.sh EDGEBENCH_BINARY [ROUNDS]
set -euo pipefail
bin="$1"
rounds="${2:-3}"
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "round model threads edgebench_p50_ms pytorch_p50_ms"
for round in $(seq 1 "$rounds"); do
  for model in resnet-18 mobilenet-v2; do
    for threads in 1 2; do
      measure_edgebench() {
        "$bin" run --models "$model" --backends libtorch-script --threads "$threads" \
          --repetitions 1 --min-time 3 --db "$work/e.db" --format csv 2>/dev/null |
          python3 -c 'import csv,sys; r=list(csv.DictReader(sys.stdin)); print(r[0]["p50(ms)"])'
      }
      measure_pytorch() {
        /usr/bin/python3 "$here/pytorch_latency.py" "$model" "$threads" 3 | cut -d' ' -f3
      }
      # Alternate which goes first, so neither always runs on a warmer machine.
      if (( (round + threads) % 2 == 0 )); then
        e=$(measure_edgebench); p=$(measure_pytorch)
      else
        p=$(measure_pytorch); e=$(measure_edgebench)
      fi
      echo "$round $model $threads $e $p"
    done
  done
done
