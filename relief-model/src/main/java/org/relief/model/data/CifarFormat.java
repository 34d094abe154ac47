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
 * CIFAR-10 in its binary distribution ({@code cifar-10-batches-bin}): {@code data_batch_1.bin}
 * … {@code data_batch_5.bin} and {@code test_batch.bin}, each a sequence of 3073-byte records
 * (one label byte, then 1024 red, 1024 green, 1024 blue bytes, row-major 32×32). Images are
 * normalised as the reference does (mean 0.485/0.456/0.406, std 0.229/0.224/0.225).
 */
public final class CifarFormat {
  static final int SIDE = 32;
  static final int RECORD = 1 + 3 * SIDE * SIDE;
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  private CifarFormat() {}

  public static TrainTest loadCifar10(String dir) {
    String[] train = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"};
    return new TrainTest(read(dir, train, "train"), read(dir, new String[] {"test_batch.bin"}, "test"));
  }

  private static ImageDataset read(String dir, String[] files, String split) {
    Path root = HadoopFiles.path(dir);
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    ByteArrayOutputStream labels = new ByteArrayOutputStream();
    for (String name : files) {
      Path path = new Path(root, name);
      byte[] content;
      try (InputStream in = HadoopFiles.open(path)) {
        content = in.readAllBytes();
      } catch (FileNotFoundException e) {
        throw new ReliefInputException("dataset cifar10: " + path + " not found; set dataset.path to the "
            + "cifar-10-batches-bin directory of the binary CIFAR-10 distribution");
      } catch (EOFException e) {
        throw new ReliefInputException(path + ": truncated (" + e.getMessage() + ")");
      } catch (IOException e) {
        throw new ReliefInputException(path + ": cannot read (" + e.getMessage() + ")", e);
      }
      if (content.length == 0 || content.length % RECORD != 0) {
        throw new ReliefInputException(path + ": " + content.length + " bytes is not a whole number of "
            + RECORD + "-byte CIFAR-10 records (truncated or not CIFAR-10 binary)");
      }
      for (int r = 0; r < content.length / RECORD; r++) {
        int label = Byte.toUnsignedInt(content[r * RECORD]);
        if (label >= 10) {
          throw new ReliefInputException(path + ": record " + r + " has label " + label + ", CIFAR-10 labels are 0-9");
        }
        labels.write(label);
        pixels.write(content, r * RECORD + 1, RECORD - 1);
      }
    }
    return new ImageDataset(root + " (" + split + ")", 3, SIDE, SIDE, 10, pixels.toByteArray(), labels.toByteArray(),
        MEAN, STD);
  }
}
