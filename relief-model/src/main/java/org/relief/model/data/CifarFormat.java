package org.relief.model.data;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import org.apache.hadoop.fs.Path;
import org.relief.model.ReliefInputException;
import org.relief.model.io.HadoopFiles;

/**
 * CIFAR in its binary distributions. CIFAR-10 ({@code cifar-10-batches-bin}):
 * {@code data_batch_1.bin} … {@code data_batch_5.bin} and {@code test_batch.bin}, 3073-byte
 * records (one label byte, then 1024 red, 1024 green, 1024 blue bytes, row-major 32×32).
 * CIFAR-100 ({@code cifar-100-binary}): {@code train.bin} and {@code test.bin}, 3074-byte records
 * (coarse label, fine label, pixels). Images are normalised as the reference does (mean
 * 0.485/0.456/0.406, std 0.229/0.224/0.225). A file that is not a whole number of records, or
 * a label out of range, is an error naming the file.
 */
public final class CifarFormat {
  static final int SIDE = 32;
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  private CifarFormat() {}

  /** Which label of a record a dataset uses. */
  enum Labels {
    CIFAR10(1, 0, 10, "cifar10", "cifar-10-batches-bin"),
    CIFAR100_FINE(2, 1, 100, "cifar100", "cifar-100-binary"),
    CIFAR100_COARSE(2, 0, 20, "cifar100-coarse", "cifar-100-binary");

    final int labelBytes;
    final int which;
    final int classes;
    final String dataset;
    final String distribution;

    Labels(int labelBytes, int which, int classes, String dataset, String distribution) {
      this.labelBytes = labelBytes;
      this.which = which;
      this.classes = classes;
      this.dataset = dataset;
      this.distribution = distribution;
    }
  }

  public static TrainTest loadCifar10(String dir) {
    String[] train = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"};
    return new TrainTest(read(dir, train, "train", Labels.CIFAR10), read(dir, new String[] {"test_batch.bin"}, "test",
        Labels.CIFAR10));
  }

  /** CIFAR-100 with its 100 fine labels, or its 20 coarse ones. */
  public static TrainTest loadCifar100(String dir, boolean coarse) {
    Labels labels = coarse ? Labels.CIFAR100_COARSE : Labels.CIFAR100_FINE;
    return new TrainTest(read(dir, new String[] {"train.bin"}, "train", labels),
        read(dir, new String[] {"test.bin"}, "test", labels));
  }

  private static ImageDataset read(String dir, String[] files, String split, Labels kind) {
    int record = kind.labelBytes + 3 * SIDE * SIDE;
    Path root = HadoopFiles.path(dir);
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    ByteArrayOutputStream labels = new ByteArrayOutputStream();
    for (String name : files) {
      Path path = new Path(root, name);
      byte[] content;
      try (InputStream in = HadoopFiles.open(path)) {
        content = in.readAllBytes();
      } catch (FileNotFoundException e) {
        throw new ReliefInputException("dataset " + kind.dataset + ": " + path + " not found; set dataset.path to the "
            + kind.distribution + " directory of the binary distribution");
      } catch (EOFException e) {
        throw new ReliefInputException(path + ": truncated (" + e.getMessage() + ")");
      } catch (IOException e) {
        throw new ReliefInputException(path + ": cannot read (" + e.getMessage() + ")", e);
      }
      if (content.length == 0 || content.length % record != 0) {
        throw new ReliefInputException(path + ": " + content.length + " bytes is not a whole number of "
            + record + "-byte " + kind.dataset + " records (truncated or not its binary format)");
      }
      for (int r = 0; r < content.length / record; r++) {
        for (int b = 0; b < kind.labelBytes; b++) {
          int label = Byte.toUnsignedInt(content[r * record + b]);
          int limit = kind.labelBytes == 1 ? 10 : b == 0 ? 20 : 100;
          if (label >= limit) {
            throw new ReliefInputException(path + ": record " + r + " has label " + label + " (byte " + b
                + "), which must be below " + limit);
          }
        }
        labels.write(content[r * record + kind.which]);
        pixels.write(content, r * record + kind.labelBytes, record - kind.labelBytes);
      }
    }
    return new ImageDataset(root + " (" + split + ")", 3, SIDE, SIDE, kind.classes, pixels.toByteArray(),
        labels.toByteArray(), MEAN, STD);
  }
}
