#!/usr/bin/env bash
# The TSM2 forecasting protocol as run for docs/results-tsm2.md on a 2-core machine.
# Usage: scripts/tsm2-protocol.sh DATA_DIR OUT_DIR
# Every run writes OUT_DIR/<dataset>-L<lookback>/H<h>/ (config, metrics, checkpoint, plots);
# `./mambamixer summary --runs OUT_DIR` joins them. Budgets are reduced to fit the machine: each
# epoch sees a random subset of --max-batches training batches, validation may be thinned
# (--val-every), the test split is always complete. Re-running the script continues where it
# stopped: finished horizons are skipped, an interrupted one resumes from its last epoch.
set -euo pipefail
data=${1:?data directory, e.g. ../shared/data/forecasting}
out=${2:?output directory}
here="$(cd "$(dirname "$0")/.." && pwd)"
extra=()   # flags added to every run, and a suffix of the run directory's name
suffix=""
run() { # dataset lookback val-every max-batches epochs horizon...
  local dataset=$1 lookback=$2 every=$3 batches=$4 epochs=$5
  shift 5
  for h in "$@"; do
    local dir="$out/$dataset-L$lookback$suffix"
    [[ -f "$dir/H$h/results.csv" ]] && continue
    "$here/mambamixer" forecast --dataset "$dataset" --data-dir "$data" --lookback "$lookback" \
      --horizon "$h" --budget full --epochs "$epochs" --max-batches "$batches" --patience 2 \
      --val-interval 0 --plateau-decay 0 \
      --val-every "$every" --scan cpu --run-dir "$dir" --resume ${extra[@]+"${extra[@]}"} 2>&1 \
      | tee -a "$out/protocol.log"
  done
}
mkdir -p "$out"
# Paper protocol (lookback 512): the hourly sets in full, then one horizon of the large sets ...
run ETTh1 512 1 40 3 96 192 336 720
run ETTh2 512 1 40 3 96 192 336 720
run ETTm1 512 4 40 3 96
run ETTm2 512 4 40 3 96
run weather 512 8 40 3 96
# ... the common lookback-96 protocol for the hourly sets ...
run ETTh1 96 1 120 4 96 192 336 720
run ETTh2 96 1 120 4 96 192 336 720
# ... then the remaining horizons of the large sets.
run ETTm1 512 4 40 3 192 336 720
run ETTm2 512 4 40 3 192 336 720
run weather 512 8 40 3 192 336 720
# Second pass for the hourly sets at lookback 512, where the presets overfit within an epoch
# (validation MSE rising from epoch 2 while training MSE falls): a narrower model (head 1008 -> H
# instead of 2016 -> H), more dropout, a lower learning rate, and two more epochs.
extra=(--d-model 16 --dropout 0.3 --lr 3e-4)
suffix="-regularised"
run ETTh1 512 1 40 5 96 192 336 720
run ETTh2 512 1 40 5 96 192 336 720
