package org.relief.model.net;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment every JVM that trains starts with: the native libraries read it once, when
 * they load, so it cannot be set from inside. Launchers that start JVMs ({@code
 * submit/common.sh}, Spark executors, forked sweep trials, a driver YARN or Kubernetes starts)
 * set each variable unless the environment already has it.
 */
public final class NativeEnvironment {
  /** glibc's tunables. */
  public static final String MALLOC_VARIABLE = "GLIBC_TUNABLES";
  /**
   * malloc's memory on transparent huge pages (glibc ≥ 2.35; older glibc and kernels with THP
   * off ignore it). libnd4j's oneDNN calls allocate their reorder and scratch buffers afresh
   * on every call, and with 4 KB pages a 2,400-image VGG-like epoch took 4–6 million page
   * faults; with this 0.6–0.8 million, ~11 % more images/s, the same peak memory
   * (BENCHMARKS.md). submit/common.sh sets the same.
   */
  public static final String MALLOC_TUNABLES = "glibc.malloc.hugetlb=1";

  private NativeEnvironment() {}

  /** Variable → value: libgomp's spin count ({@link OpenMpThreads}) and malloc's tunables. */
  public static Map<String, String> defaults() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(OpenMpThreads.SPIN_VARIABLE, OpenMpThreads.SPIN_ROUNDS);
    env.put(MALLOC_VARIABLE, MALLOC_TUNABLES);
    return env;
  }
}
