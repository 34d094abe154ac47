package org.relief.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.relief.model.net.OpenMpThreads;

/**
 * Every process a launcher starts has libgomp's spin count of {@link OpenMpThreads} (it must be
 * in the environment before the natives load), and a user's own setting wins.
 */
class SpinCountTest {
  private static final Path COMMON = Paths.get(System.getProperty("relief.root", "..")).resolve("submit/common.sh");

  @Test
  void theLaunchersSetReliefsSpinCount() throws Exception {
    assertEquals(OpenMpThreads.SPIN_ROUNDS, spinCountAfterSourcing(null));
  }

  @Test
  void aSpinCountInTheEnvironmentIsKept() throws Exception {
    assertEquals("250000", spinCountAfterSourcing("250000"));
  }

  private static String spinCountAfterSourcing(String inherited) throws IOException, InterruptedException {
    ProcessBuilder shell = new ProcessBuilder("bash", "-c", "source \"$1\" && printf %s \"$GOMP_SPINCOUNT\"", "bash",
        COMMON.toString());
    shell.environment().remove(OpenMpThreads.SPIN_VARIABLE);
    if (inherited != null) {
      shell.environment().put(OpenMpThreads.SPIN_VARIABLE, inherited);
    }
    Process p = shell.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }
}
