#!/usr/bin/env bash
# Compacted retraining against masked full-size retraining (issue 7; docs/BENCHMARKS.md
# "Compacted retraining"): short real runs of LeNet-5 (Fashion-MNIST) and VGG-like (a learnable
# CIFAR-10-format set written by bench/cifar-like.py; no real CIFAR is reachable here), then
# `relief bench compact-retrain` at each run's last iteration, all in one go.
#
#   bench/compact-retrain.sh [work-dir]      # default /tmp/relief-compact-retrain
#
# About 40 minutes on 2 cores; the runs are reused if they finished before.
set -euo pipefail
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${1:-/tmp/relief-compact-retrain}"
RELIEF="$ROOT_DIR/submit/relief"
mkdir -p "$WORK"
cd "$ROOT_DIR"

[[ -f "$WORK/cifar-like/test_batch.bin" ]] || python3 bench/cifar-like.py "$WORK/cifar-like" 1000 1000

short=(--set train.pretrain-milestones=[] --set train.retrain-epochs=1 --set train.retrain-milestones=[]
  --set train.checkpoint=last --set spark.statistics=local)
run_once() { # <output> <args...>: a run, unless it finished before
  local out="$1"; shift
  [[ -f "$out/_SUCCESS" ]] || "$RELIEF" run "$@" --set experiment.output="$out" "${short[@]}" --overwrite >&2
}

# LeNet-5 at the reference's LeNet-5 settings, 8 iterations of 1 retraining epoch on 20,000 images
run_once "$WORK/lenet5" conf/lenet5-mnist.conf --set dataset.name=fashion-mnist --set 'dataset.path=""' \
  --set dataset.train-subset=20000 --set train.pretrain-epochs=4 --set prune.iterations=8
# VGG-like at the paper's settings (alpha 0.95/0.95) and at alpha 0.7/0.7, which kills filters
for alpha in 0.95 0.7; do
  run_once "$WORK/vgg-like-$alpha" conf/vgg-like-cifar10.conf --set dataset.path="$WORK/cifar-like" \
    --set dataset.train-subset=3000 --set train.pretrain-epochs=3 --set prune.pruning-set-size=500 \
    --set train.augment=none --set prune.alpha-conv=$alpha --set prune.alpha-fc=$alpha
done

"$RELIEF" bench compact-retrain --run "$WORK/lenet5" --examples 20000
for alpha in 0.95 0.7; do
  "$RELIEF" bench compact-retrain --run "$WORK/vgg-like-$alpha" --examples 3000
done
