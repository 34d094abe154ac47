package org.relief.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.relief.model.ReliefInputException;
import org.relief.model.io.HadoopFiles;
import org.relief.model.net.NativeEnvironment;

/**
 * Starts the Spark context of a Relief command: the master that spark-submit gave (system
 * property {@code spark.master}), else {@code relief.spark.master}, else {@code local[*]}. A
 * standalone master that cannot be reached fails in seconds with one line, instead of Spark's
 * minute of retries. Executors get {@code OMP_NUM_THREADS = spark.task.cpus} so that ND4J uses
 * exactly the cores Spark gives each task.
 */
public final class SparkRuntime {
  private static final int CONNECT_TIMEOUT_MS = 3000;

  private SparkRuntime() {}

  public static JavaSparkContext start(SparkSettings settings, String appName) {
    SparkConf conf = new SparkConf(true);
    if (!conf.contains("spark.master")) {
      conf.setMaster(settings.master().isBlank() ? "local[*]" : settings.master());
    }
    conf.setIfMissing("spark.app.name", appName);
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.task.cpus", "1"));
    NativeEnvironment.defaults().forEach((variable, value) -> conf.setIfMissing("spark.executorEnv." + variable, value));
    checkReachable(conf.get("spark.master"));
    JavaSparkContext sc = new JavaSparkContext(conf);
    HadoopFiles.useConf(sc.hadoopConfiguration());
    return sc;
  }

  /** For {@code spark://host:port[,host:port…]}: at least one master must accept a connection. */
  static void checkReachable(String master) {
    if (!master.startsWith("spark://")) {
      return;
    }
    String failure = "";
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0) {
        throw new ReliefInputException("Spark master " + master + ": '" + hostPort + "' is not host:port");
      }
      String host = hostPort.substring(0, colon);
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new ReliefInputException("Spark master " + master + ": bad port in '" + hostPort + "'");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        return;
      } catch (IOException e) {
        failure = e.getMessage();
      }
    }
    throw new ReliefInputException("cannot reach Spark master " + master + " (" + failure
        + "); start one with submit/standalone-cluster start, or pass another --master");
  }
}
