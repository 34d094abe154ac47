package org.relief.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.relief.model.net.NativeEnvironment;
import org.relief.model.net.OpenMpThreads;

/**
 * Every process a launcher starts has the environment of {@link NativeEnvironment} (libgomp's
 * spin count, malloc's tunables: read when the natives load), and a user's own setting wins.
 */
class NativeEnvironmentTest {
  private static final Path COMMON = Paths.get(System.getProperty("relief.root", "..")).resolve("submit/common.sh");

  @Test
  void theJavaDefaultsAreTheSpinCountAndMallocTunables() {
    assertEquals(Map.of(OpenMpThreads.SPIN_VARIABLE, OpenMpThreads.SPIN_ROUNDS,
        NativeEnvironment.MALLOC_VARIABLE, NativeEnvironment.MALLOC_TUNABLES), NativeEnvironment.defaults());
  }

  @ParameterizedTest
  @ValueSource(strings = {OpenMpThreads.SPIN_VARIABLE, NativeEnvironment.MALLOC_VARIABLE})
  void theLaunchersSetReliefsValue(String variable) throws Exception {
    assertEquals(NativeEnvironment.defaults().get(variable), valueAfterSourcing(variable, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {OpenMpThreads.SPIN_VARIABLE, NativeEnvironment.MALLOC_VARIABLE})
  void aValueInTheEnvironmentIsKept(String variable) throws Exception {
    assertEquals("250000", valueAfterSourcing(variable, "250000"));
  }

  private static String valueAfterSourcing(String variable, String inherited) throws IOException, InterruptedException {
    ProcessBuilder shell = new ProcessBuilder("bash", "-c", "source \"$1\" && printf %s \"${!2}\"", "bash",
        COMMON.toString(), variable);
    shell.environment().remove(variable);
    if (inherited != null) {
      shell.environment().put(variable, inherited);
    }
    Process p = shell.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }
}
