#!/usr/bin/env bash
# conf/bench-sweep-8.conf (8 small trials, per-task mode) on a standalone cluster of 1 and then
# 2 single-core workers: trials per minute, and the ratio (docs/BENCHMARKS.md).
#
#   bench/sweep-cluster.sh
#
# Starts and stops its own cluster (RELIEF_CLUSTER_DIR defaults to /tmp/relief-bench-cluster).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RELIEF_CLUSTER_DIR="${RELIEF_CLUSTER_DIR:-/tmp/relief-bench-cluster}"
trap '"$here/submit/standalone-cluster" stop >/dev/null' EXIT

declare -A seconds
for workers in 1 2; do
  "$here/submit/standalone-cluster" start --workers "$workers" --cores 1 --memory 3g >/dev/null
  line=$("$here/submit/relief-submit" --master spark://127.0.0.1:7077 --executor-memory 3g \
    bench sweep-throughput --sweep "$here/conf/bench-sweep-8.conf" --masters spark://127.0.0.1:7077 \
    --work "/tmp/relief-bench-sweep-$workers" | grep '^sweep master=')
  echo "$line workers=$workers"
  seconds[$workers]=$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$line")
  "$here/submit/standalone-cluster" stop >/dev/null
done
awk -v a="${seconds[1]}" -v b="${seconds[2]}" 'BEGIN { printf "sweep-cluster trials=8 workers1_s=%s workers2_s=%s ratio=%.2f\n", a, b, a / b }'
