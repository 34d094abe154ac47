package org.relief.model.data;

import org.apache.hadoop.fs.Path;
import org.relief.model.ReliefInputException;
import org.relief.model.io.HadoopFiles;

/**
 * A directory of MNIST-format IDX files, as MNIST and Fashion-MNIST ship them:
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}, each optionally gzipped ({@code .gz}).
 */
public final class MnistFormat {
  /** Where Debian's {@code dataset-fashion-mnist} package installs Fashion-MNIST. */
  public static final String DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

  private MnistFormat() {}

  /**
   * Reads both splits.
   *
   * @param dir directory URI
   * @param datasetName for the error message when files are missing ({@code fashion-mnist}, {@code mnist})
   */
  public static TrainTest load(String dir, String datasetName) {
    return new TrainTest(load(dir, datasetName, "train"), load(dir, datasetName, "t10k"));
  }

  /** Reads one split: {@code prefix} is {@code train} or {@code t10k}. */
  public static ImageDataset load(String dir, String datasetName, String prefix) {
    Path root = HadoopFiles.path(dir);
    Path images = find(root, prefix + "-images-idx3-ubyte", datasetName);
    Path labels = find(root, prefix + "-labels-idx1-ubyte", datasetName);
    IdxFile.Images img = IdxFile.readImages(images);
    byte[] lab = IdxFile.readLabels(labels);
    if (img.count() != lab.length) {
      throw new ReliefInputException(images + " holds " + img.count() + " images but " + labels + " holds "
          + lab.length + " labels");
    }
    return new ImageDataset(root + " (" + prefix + ")", 1, img.rows(), img.cols(), 10, img.pixels(), lab);
  }

  private static Path find(Path root, String base, String datasetName) {
    Path gz = new Path(root, base + ".gz");
    if (HadoopFiles.exists(gz)) {
      return gz;
    }
    Path plain = new Path(root, base);
    if (HadoopFiles.exists(plain)) {
      return plain;
    }
    String hint = "fashion-mnist".equals(datasetName)
        ? "install it with 'apt-get install -y dataset-fashion-mnist' (files go to " + DEBIAN_FASHION_MNIST
            + ") or set dataset.path to a directory holding the IDX files"
        : "set dataset.path to a directory holding the four IDX files of " + datasetName;
    throw new ReliefInputException("dataset " + datasetName + ": " + plain + "[.gz] not found; " + hint);
  }
}
