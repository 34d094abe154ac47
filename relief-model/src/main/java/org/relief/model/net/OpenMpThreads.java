package org.relief.model.net;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The number of OpenMP threads oneDNN's kernels use in the calling thread, made the same in
 * every thread that trains.
 *
 * <p>OpenMP keeps that number per thread, and ND4J sets it apart for one thread only: the one
 * that loads ND4J gets {@code NativeOpsHolder.getCores(cpus)} — at least 4, whatever the
 * machine or {@code OMP_NUM_THREADS} — and every other thread OpenMP's default (the cores, or
 * {@code OMP_NUM_THREADS}). oneDNN's backward kernels split their sums by thread, so the same
 * configuration and seed trained different weights in {@code relief run} (the main thread, 4
 * threads on a 2-core machine) than in a sweep trial or a Spark task (2, or
 * {@code spark.task.cpus}), and a Spark executor's one task that happened to load ND4J trained
 * with 4 threads beside tasks with 1. Inference does not depend on it (same outputs with 1, 2
 * and 4 threads for ResNet-20 and VGG-like).
 *
 * <p>How long an idle OpenMP thread spins before it sleeps is the other half: libgomp (ND4J's
 * natives ship it) spins ~300,000 rounds after each parallel region when it has no more threads
 * than cores, taking a core from the Java and libnd4j threads that run between oneDNN calls. Every
 * launcher sets {@link #SPIN_VARIABLE} to {@link #SPIN_ROUNDS}, the count libgomp itself falls back
 * to when threads outnumber cores (BENCHMARKS.md: LeNet-300-100 and LeNet-5 epochs ~2× and ~1.4×
 * faster on two cores). It has to be in the environment when the process starts.
 */
public final class OpenMpThreads {
  /** libgomp's spin-count variable, read once when the natives load. */
  public static final String SPIN_VARIABLE = "GOMP_SPINCOUNT";
  /** Rounds an idle thread spins (submit/common.sh sets the same). */
  public static final String SPIN_ROUNDS = "1000";

  private OpenMpThreads() {}

  /** The spin count this process started with: its {@link #SPIN_VARIABLE}, or "default". */
  public static String spinRounds() {
    String rounds = System.getenv(SPIN_VARIABLE);
    return rounds == null || rounds.isBlank() ? "default" : rounds;
  }

  /**
   * The count every training thread uses: ND4J's thread setting (all cores, {@code
   * OMP_NUM_THREADS} if set, {@code spark.task.cpus} in a local sweep).
   */
  public static int target() {
    return Nd4j.getEnvironment().maxThreads();
  }

  /** The calling thread's OpenMP thread count. */
  public static int ofCurrentThread() {
    return ops().ompGetMaxThreads();
  }

  /** Sets the calling thread's OpenMP thread count to {@link #target()}. */
  public static void pinCurrentThread() {
    int target = target();
    if (ofCurrentThread() != target) {
      ops().setOmpNumThreads(target);
    }
  }

  private static NativeOps ops() {
    Nd4j.getEnvironment(); // loads the backend if nothing has yet
    return NativeOpsHolder.getInstance().getDeviceNativeOps();
  }
}
