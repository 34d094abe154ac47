# Sourced by submit/relief, submit/relief-submit and submit/standalone-cluster.
# Sets ROOT, TARGET, LIB, APP_JAR, SPARK_HOME_DIR and JVM_FLAGS; builds Relief if needed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$ROOT/relief-spark/target"
LIB="$TARGET/lib"
APP_JAR="$TARGET/relief.jar"
# A SPARK_HOME made of the jars Maven resolved: spark-submit and the standalone daemons run
# from it without a Spark distribution (STACK.md).
SPARK_HOME_DIR="$TARGET/spark-home"

# JVM flags Spark, Kryo and DL4J need on Java 17 (STACK.md), and the JDK's Vector API, an
# incubator module in Java 17, for Frobenius scores (NormKernel; without it ~2.5x slower)
JVM_FLAGS=(
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-modules=jdk.incubator.vector
)

# How long an idle OpenMP thread of ND4J's natives spins before sleeping: libgomp's default
# (~300,000 rounds) takes a core from the threads that run between oneDNN calls; 1000 is what
# libgomp uses itself when threads outnumber cores (OpenMpThreads.SPIN_ROUNDS, BENCHMARKS.md).
export GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-1000}"
# malloc's memory on transparent huge pages: libnd4j's oneDNN calls allocate their buffers afresh
# on every call; 4-6 M page faults a VGG-like epoch fall to <1 M (NativeEnvironment, BENCHMARKS.md).
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}"

relief_build_if_needed() {
  if [[ ! -f "$APP_JAR" || ! -d "$LIB" ]]; then
    echo "relief: building Relief (first run only): mvn -q -B -DskipTests package" >&2
    (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
  fi
  mkdir -p "$SPARK_HOME_DIR"
  ln -sfn ../lib "$SPARK_HOME_DIR/jars"
  MAIN_JAR="$TARGET/relief-spark-$(cd "$ROOT" && sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1).jar"
}
