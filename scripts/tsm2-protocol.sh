#!/usr/bin/env bash
# The TSM2 forecasting protocol as run for docs/results-tsm2.md on a 2-core machine.
# Usage: scripts/tsm2-protocol.sh DATA_DIR OUT_DIR
# Every run writes OUT_DIR/<dataset>-L<lookback>/H<h>/ (config, metrics, checkpoint, plots) and
# OUT_DIR/<dataset>-L<lookback>/results.csv. Budgets are reduced to fit the machine: each epoch
# sees a random subset of --max-batches training batches, validation may be thinned (--val-every),
# the test split is always complete. Re-running the script continues where it stopped: finished
# datasets are skipped and every horizon resumes from its last finished epoch.
set -euo pipefail
data=${1:?data directory, e.g. ../shared/data/forecasting}
out=${2:?output directory}
here="$(cd "$(dirname "$0")/.." && pwd)"
run() { # dataset lookback val-every max-batches epochs
  local dir="$out/$1-L$2"
  if [[ -f "$dir/results.csv" && $(wc -l < "$dir/results.csv") -ge 5 ]]; then return; fi
  "$here/mambamixer" forecast --dataset "$1" --data-dir "$data" --lookback "$2" \
    --horizon 96,192,336,720 --budget full --epochs "$5" --max-batches "$4" --patience 2 \
    --val-every "$3" --scan cpu --run-dir "$dir" --resume 2>&1 | tee -a "$out/protocol.log"
}
mkdir -p "$out"
run ETTh1 512 1 40 3
run ETTh2 512 1 40 3
run ETTh1 96 1 120 4
run ETTh2 96 1 120 4
run ETTm1 512 4 40 3
run ETTm2 512 4 40 3
run weather 512 8 40 3
