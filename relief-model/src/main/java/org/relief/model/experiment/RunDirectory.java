package org.relief.model.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import com.typesafe.config.ConfigFactory;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import org.relief.model.ReliefInputException;
import org.relief.model.config.ExperimentConfig;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.io.HadoopFiles;
import org.relief.model.io.ModelFiles;
import org.relief.model.net.NetworkTopology;
import org.relief.model.prune.MaskFile;
import org.relief.model.prune.NetworkMasks;

/**
 * The output directory of one run, on any Hadoop file system:
 *
 * <pre>
 * config.conf            the resolved configuration (written first)
 * init/model.zip         the network at initialisation (rewinding goes back to it)
 * iter-000/model.zip     the trained dense network; iter-000/masks.bin keeps everything
 * iter-00k/model.zip     the network after pruning step k and retraining (DL4J model)
 * iter-00k/masks.bin     its masks ({@link MaskFile})
 * iterations.csv         one row per completed iteration: the commit record
 * _SUCCESS               written last
 * </pre>
 *
 * Every file is written atomically (temporary name, then rename). An iteration counts as done
 * when its row is in {@code iterations.csv}, which is rewritten after its files; a run killed
 * at any moment resumes from the last row. A directory holding a finished run is never touched
 * without {@code overwrite}; neither is one holding another configuration's unfinished run. A
 * non-empty directory that is not a Relief run is never touched, {@code overwrite} or not.
 */
public final class RunDirectory {
  static final String CONFIG = "config.conf";
  static final String TABLE = "iterations.csv";
  static final String SUCCESS = "_SUCCESS";

  private final Path root;
  private final FileSystem fs;
  private final boolean resumed;

  private RunDirectory(Path root, FileSystem fs, boolean resumed) {
    this.root = root;
    this.fs = fs;
    this.resumed = resumed;
  }

  /**
   * Opens the directory for a run of {@code settings}: a new run, or the continuation of an
   * unfinished run of the same experiment (every key equal but the output location).
   */
  public static RunDirectory open(String uri, ExperimentSettings settings, boolean overwrite) {
    String config = settings.rendered();
    Path root = HadoopFiles.path(uri);
    FileSystem fs = HadoopFiles.fileSystem(root);
    try {
      if (fs.exists(root)) {
        if (!fs.getFileStatus(root).isDirectory()) {
          throw new ReliefInputException("output " + root + " exists and is a file, not a directory");
        }
        boolean isRun = fs.exists(new Path(root, CONFIG));
        if (!isRun && fs.listStatus(root).length > 0) {
          throw new ReliefInputException("output directory " + root + " is not empty and holds no Relief run; "
              + "choose another experiment.output (--overwrite only ever replaces a Relief run)");
        }
        if (overwrite) {
          fs.delete(root, true);
        } else if (fs.exists(new Path(root, SUCCESS))) {
          throw new ReliefInputException("output directory " + root + " already holds a finished run (" + SUCCESS
              + "); pass --overwrite to replace it, or choose another experiment.output");
        } else if (fs.exists(new Path(root, CONFIG))) {
          String stored = read(fs, new Path(root, CONFIG));
          if (!settings.sameExperimentAs(stored)) {
            throw new ReliefInputException("output directory " + root + " holds an unfinished run of a different "
                + "configuration (" + firstDifference(stored, config) + "); pass --overwrite to start over");
          }
          return new RunDirectory(root, fs, true);
        }
      }
      fs.mkdirs(root);
      RunDirectory dir = new RunDirectory(root, fs, false);
      dir.writeText(CONFIG, config);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("preparing output directory " + root, e);
    }
  }

  /**
   * An existing run, read only (export, reports): it must hold a configuration and at least one
   * completed iteration.
   */
  public static RunDirectory existing(String uri) {
    Path root = HadoopFiles.path(uri);
    FileSystem fs = HadoopFiles.fileSystem(root);
    try {
      if (!fs.exists(new Path(root, CONFIG)) || !fs.exists(new Path(root, TABLE))) {
        throw new ReliefInputException(root + " holds no Relief results (no " + CONFIG + " and " + TABLE + ")");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + root, e);
    }
    return new RunDirectory(root, fs, true);
  }

  /** The settings the run recorded (its resolved configuration, read as an experiment file is). */
  public ExperimentSettings settings() {
    return ExperimentSettings.from(ExperimentConfig.merge(ConfigFactory.parseString(readText(CONFIG)), List.of()));
  }

  /** The URI of a file of iteration {@code iteration}'s directory, e.g. "model.zip". */
  public String iterationFile(int iteration, String name) {
    return new Path(root, iterationDir(iteration) + "/" + name).toString();
  }

  public String uri() {
    return root.toString();
  }

  /** True if this continues an unfinished run. */
  public boolean resumed() {
    return resumed;
  }

  public boolean finished() {
    return exists(SUCCESS);
  }

  /** The completed iterations so far (empty for a new run). */
  public IterationTable table(boolean withTop5) {
    if (!exists(TABLE)) {
      return new IterationTable(withTop5);
    }
    return IterationTable.parse(readText(TABLE), new Path(root, TABLE).toString());
  }

  /** Commits the table: the iterations in it are done. */
  public void writeTable(IterationTable table) {
    writeText(TABLE, table.toCsv());
  }

  public void writeInitial(Model network) {
    writeModel("init/model.zip", network);
  }

  public float[] readInitialParams() {
    return readParams("init/model.zip");
  }

  public void writeIteration(int iteration, NetworkMasks masks, Model network) {
    MaskFile.write(masks, new Path(root, iterationDir(iteration) + "/masks.bin").toString());
    writeModel(iterationDir(iteration) + "/model.zip", network);
  }

  public NetworkMasks readMasks(int iteration, NetworkTopology topology) {
    return MaskFile.read(new Path(root, iterationDir(iteration) + "/masks.bin").toString(), topology);
  }

  public float[] readParams(int iteration) {
    return readParams(iterationDir(iteration) + "/model.zip");
  }

  /** Writes {@code result.json} ({@link StoppingRule#resultJson}), just before {@code _SUCCESS}. */
  public void writeResult(String json) {
    writeText("result.json", json);
  }

  /** Writes {@code _SUCCESS}: the run is finished. */
  public void markSuccess() {
    writeText(SUCCESS, "");
  }

  static String iterationDir(int iteration) {
    return String.format(Locale.ROOT, "iter-%03d", iteration);
  }

  private boolean exists(String name) {
    try {
      return fs.exists(new Path(root, name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeText(String name, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try {
      HadoopFiles.writeAtomically(new Path(root, name), out -> out.write(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + new Path(root, name), e);
    }
  }

  private String readText(String name) {
    try {
      return read(fs, new Path(root, name));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + new Path(root, name), e);
    }
  }

  private void writeModel(String name, Model network) {
    Path path = new Path(root, name);
    try {
      ModelFiles.write(path, network);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + path, e);
    }
  }

  /**
   * The parameters of a saved network: the {@code coefficients.bin} entry DL4J's ModelSerializer
   * writes, read without rebuilding the network (the same for chains and graphs).
   */
  private float[] readParams(String name) {
    Path path = new Path(root, name);
    try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(fs.open(path))) {
      for (java.util.zip.ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.getName().equals("coefficients.bin")) {
          return org.nd4j.linalg.factory.Nd4j.read(new java.io.DataInputStream(zip)).toFloatVector();
        }
      }
      throw new ReliefInputException(path + ": not a DL4J model file (no coefficients.bin)");
    } catch (IOException | RuntimeException e) {
      if (e instanceof ReliefInputException r) {
        throw r;
      }
      throw new ReliefInputException(path + ": cannot read the saved network (" + e.getMessage() + ")", e);
    }
  }

  private static String read(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String firstDifference(String stored, String current) {
    String[] a = stored.split("\n");
    String[] b = current.split("\n");
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String x = i < a.length ? a[i].trim() : "";
      String y = i < b.length ? b[i].trim() : "";
      if (!x.equals(y)) {
        return "stored '" + x + "' vs now '" + y + "'";
      }
    }
    return "same keys, different layout";
  }
}
