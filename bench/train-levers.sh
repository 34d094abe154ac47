#!/usr/bin/env bash
# Training throughput of the four reference networks under each lever of issue 8 (native build,
# DL4J's oneDNN layer helpers, OpenMP threads), one `relief bench train-epoch` JVM per cell,
# all in one run so the ratios are comparable (docs/BENCHMARKS.md "Training speed").
#
#   bench/train-levers.sh [model...]      # default: lenet300-100 lenet5 resnet20 vgg-like
#
# LeNets: one epoch of Fashion-MNIST (60,000 images); ResNet-20, VGG-like: 2,400 synthetic
# CIFAR-shaped images. Other native builds than the default are fetched with Maven.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../submit/common.sh"
relief_build_if_needed
VARIANTS="$TARGET/natives-variants"
ND4J_VERSION=1.0.0-M2

natives_jar() {
  local jar="$VARIANTS/nd4j-native-$ND4J_VERSION-$1.jar"
  if [[ ! -f "$jar" ]]; then
    (cd "$ROOT" && mvn -q -B dependency:copy -Dartifact="org.nd4j:nd4j-native:$ND4J_VERSION:jar:$1" \
      -DoutputDirectory="$VARIANTS") >&2
  fi
  echo "$jar"
}

# lever name | natives classifier | OMP threads | oneDNN helpers on?
LEVERS=(
  "plain-natives|linux-x86_64|2|false"
  "onednn-natives|linux-x86_64-onednn|2|false"
  "onednn+helpers|linux-x86_64-onednn|2|true"
  "onednn+helpers,1-thread|linux-x86_64-onednn|1|true"
  "onednn-avx2+helpers,1-thread|linux-x86_64-onednn-avx2|1|true"
)
MODELS=("$@")
[[ ${#MODELS[@]} -gt 0 ]] || MODELS=(lenet300-100 lenet5 resnet20 vgg-like)

# the application's classpath without its natives jar
base_cp="$MAIN_JAR"
for jar in "$LIB"/*.jar; do
  [[ "$(basename "$jar")" =~ ^nd4j-native-$ND4J_VERSION-linux ]] || base_cp="$base_cp:$jar"
done

for model in "${MODELS[@]}"; do
  case "$model" in lenet*) examples=60000 ;; *) examples=2400 ;; esac
  for lever in "${LEVERS[@]}"; do
    IFS='|' read -r name classifier threads helpers <<<"$lever"
    jar=$(natives_jar "$classifier")
    disable=$([[ "$helpers" == true ]] && echo false || echo true)
    line=$(OMP_NUM_THREADS="$threads" "${JAVA:-java}" -Xmx"${RELIEF_DRIVER_MEMORY:-8g}" "${JVM_FLAGS[@]}" \
      -Dorg.eclipse.deeplearning4j.helpers.disable="$disable" \
      -Dlog4j2.configurationFile="file:$ROOT/submit/log4j2.properties" \
      -cp "$base_cp:$jar" org.relief.cli.Relief bench train-epoch --model "$model" --examples "$examples" 2>/dev/null \
      | grep '^train-epoch')
    echo "lever=$name $line"
  done
done
