package org.relief.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.relief.model.io.HadoopFiles;

/** An embedded Spark for tests: no UI, loopback only. Stop it in the class's @AfterAll. */
final class LocalSpark {
  private LocalSpark() {}

  static JavaSparkContext start(String master) {
    SparkConf conf = new SparkConf()
        .setMaster(master)
        .setAppName("relief-test")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", "2");
    JavaSparkContext sc = new JavaSparkContext(conf);
    HadoopFiles.useConf(sc.hadoopConfiguration());
    return sc;
  }
}
