#!/usr/bin/env bash
# ViM2's two accuracy targets (issue 9): Fashion-MNIST to at least 92 % and CIFAR-10 to at least
# 80 % test top-1, each one `classify` run of ten epochs on this CPU.
# Usage: scripts/vim2-targets.sh DATA_DIR OUT_DIR [TARGET...]   (fashion-mnist, cifar10; both
# when none is named; DATA_DIR holds fashion-mnist/ and cifar10-jpeg/, e.g. ../shared/data/images)
# Writes:
#   OUT_DIR/<target>/...         the run directory (config, metrics, checkpoints, confusion.png)
#   OUT_DIR/logs/<target>.log    the run's output
#   OUT_DIR/targets.csv          the finished runs' results rows, rebuilt after each run
# Each run is many hours (docs/results-vim2.md), so re-running continues where it stopped: a
# finished run is skipped, an interrupted one resumes from its last resume point (every 100
# training batches). That needs OUT_DIR on a disk that outlives the machine: runs kept on a
# session machine that was then replaced were lost (docs/results-vim2.md). A machine is
# sometimes handed to the next session as it was, so an OUT_DIR outside the work tree may
# carry over; nothing guarantees it. Each run is taken under a lock (flock, released when its
# process dies), and an instance that finds a run taken goes on to the next target, so two
# instances can share OUT_DIR. Two independent runs pinned to one core each do more work than
# one run on two threads (docs/benchmarks.md, "Two cores"), so on two cores start one instance
# per core, in opposite orders:
#   taskset -c 0 scripts/vim2-targets.sh DATA OUT fashion-mnist cifar10 &
#   taskset -c 1 scripts/vim2-targets.sh DATA OUT cifar10 fashion-mnist &
set -euo pipefail
data=${1:?data directory, e.g. ../shared/data/images}
out=${2:?output directory}
shift 2
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(fashion-mnist cifar10)
here="$(cd "$(dirname "$0")/.." && pwd)"

# Widths below the presets': at the presets' own (32/64 and 32/64/128/256) a CIFAR-10 epoch is
# 2.6 core-hours; at these it is 0.75-1.25 on one core, by machine (docs/results-vim2.md).
flags() { # target -> classify flags
  case $1 in
    fashion-mnist) echo "--model vim2-tiny-28 --widths 24,48" ;;
    cifar10) echo "--model vim2-tiny-32 --widths 24,48,96,192" ;;
    *) echo "unknown target '$1' (fashion-mnist or cifar10)" >&2; return 2 ;;
  esac
}

for t in "${targets[@]}"; do flags "$t" > /dev/null; done # a bad name fails before anything is made
mkdir -p "$out/logs" "$out/locks"
for t in "${targets[@]}"; do
  f=$(flags "$t")
  [[ -f $out/$t/results.csv ]] && continue
  (
    flock -n 9 || { echo "$t: taken by another instance"; exit 0; }
    [[ -f $out/$t/results.csv ]] && exit 0
    # shellcheck disable=SC2086 # $f is a list of flags
    "$here/mambamixer" classify --dataset "$t" $f --epochs 10 --lr 2e-3 --val-size 2000 \
      --scan cpu --data-dir "$data" --run-dir "$out/$t" --resume 2>&1 | tee -a "$out/logs/$t.log"
  ) 9>"$out/locks/$t.lock"
  # The table of whatever has finished: one header, then each run's row.
  tmp=$(mktemp "$out/targets.csv.XXXXXX")
  first=1
  for r in "$out"/*/results.csv; do
    [[ -f $r ]] || continue
    if [[ $first == 1 ]]; then head -n 1 "$r" > "$tmp"; first=0; fi
    tail -n +2 "$r" >> "$tmp"
  done
  if [[ $first == 0 ]]; then mv "$tmp" "$out/targets.csv"; else rm -f "$tmp"; fi
done
