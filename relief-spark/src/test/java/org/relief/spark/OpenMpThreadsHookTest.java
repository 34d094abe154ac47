package org.relief.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.relief.model.net.OpenMpThreads;

/** A Spark task thread that starts with another OpenMP thread count trains with local training's once the hook has run. */
class OpenMpThreadsHookTest {

  @Test
  void theHookGivesTheTaskThreadTheTrainingThreadCount() throws Exception {
    int unlike = OpenMpThreads.target() == 1 ? 2 : 1;
    ExecutorService task = Executors.newSingleThreadExecutor();
    try {
      int[] counts = task.submit(() -> {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(unlike);
        int before = OpenMpThreads.ofCurrentThread();
        new OpenMpThreadsHook().preUpdate((org.nd4j.linalg.dataset.api.DataSet) null, null);
        return new int[] {before, OpenMpThreads.ofCurrentThread()};
      }).get();
      assertNotEquals(OpenMpThreads.target(), counts[0]);
      assertEquals(OpenMpThreads.target(), counts[1]);
    } finally {
      task.shutdown();
    }
  }
}
