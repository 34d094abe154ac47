package org.relief.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Airflow cannot be installed here; what can be checked without it: the DAG file parses with
 * python3, and the spark-submit command it makes is the one submit/relief-submit makes
 * (submit/airflow/test_relief_sweep_dag.py).
 */
class AirflowDagIT {
  static final Path ROOT = Paths.get(System.getProperty("relief.root", "..")).toAbsolutePath().normalize();

  @Test
  void theDagParsesAndRunsWhatReliefSubmitRuns() throws Exception {
    Process which = new ProcessBuilder("python3", "--version").start();
    assumeTrue(which.waitFor(30, TimeUnit.SECONDS) && which.exitValue() == 0, "python3 is not installed");
    Process p = new ProcessBuilder("python3", "-m", "unittest", "submit/airflow/test_relief_sweep_dag.py")
        .directory(ROOT.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(2, TimeUnit.MINUTES);
    assertEquals(0, p.exitValue(), out);
  }
}
