#!/usr/bin/env bash
# The pruning step of LeNet-5 at N = 10,000 with its statistics on a standalone cluster of 1
# and then 2 single-core workers, each against the same step in the driver JVM (docs/BENCHMARKS.md).
#
#   bench/spark-step-cluster.sh [examples] [repeats]
#
# Starts and stops its own cluster (RELIEF_CLUSTER_DIR defaults to /tmp/relief-bench-cluster).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
examples="${1:-10000}"
repeats="${2:-3}"
export RELIEF_CLUSTER_DIR="${RELIEF_CLUSTER_DIR:-/tmp/relief-bench-cluster}"
trap '"$here/submit/standalone-cluster" stop >/dev/null' EXIT

for workers in 1 2; do
  "$here/submit/standalone-cluster" start --workers "$workers" --cores 1 --memory 3g >/dev/null
  "$here/submit/relief-submit" --master spark://127.0.0.1:7077 --executor-memory 3g \
    bench spark-step --model lenet5 --examples "$examples" --score sum --partitions "$workers" \
    --repeats "$repeats" --work /tmp/relief-bench | tail -n 1 | sed "s/\$/ workers=$workers/"
  "$here/submit/standalone-cluster" stop >/dev/null
done
