package org.relief.model.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.ReliefInputException;
import org.relief.model.io.HadoopFiles;

/**
 * The IDX format of MNIST and Fashion-MNIST (big-endian header: magic {@code 0x00000803} for
 * unsigned-byte images with 3 dimensions, {@code 0x00000801} for labels; then the counts; then
 * one byte per value). Gzipped files are detected by content, not by name.
 *
 * <p>A wrong magic number, a truncated body or trailing bytes are errors that name the file.
 */
public final class IdxFile {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;
  /** Big-endian float32 of any rank (the low byte holds the rank). */
  static final int FLOATS_MAGIC = 0x00000D00;

  private IdxFile() {}

  /** Images: {@code [count, rows, cols]} unsigned bytes. */
  public record Images(int count, int rows, int cols, byte[] pixels) {}

  public static Images readImages(Path path) {
    try (DataInputStream in = new DataInputStream(HadoopFiles.open(path))) {
      int magic = readHeaderInt(in, path);
      if (magic != IMAGES_MAGIC) {
        throw new ReliefInputException(path + ": not an IDX image file (magic number 0x" + hex(magic)
            + ", expected 0x" + hex(IMAGES_MAGIC) + ")");
      }
      int count = readHeaderInt(in, path);
      int rows = readHeaderInt(in, path);
      int cols = readHeaderInt(in, path);
      if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE - 8) {
        throw new ReliefInputException(path + ": implausible IDX image dimensions " + count + "x" + rows + "x" + cols);
      }
      byte[] pixels = readBody(in, path, count * rows * cols);
      return new Images(count, rows, cols, pixels);
    } catch (IOException e) {
      throw ioError(path, e);
    }
  }

  public static byte[] readLabels(Path path) {
    try (DataInputStream in = new DataInputStream(HadoopFiles.open(path))) {
      int magic = readHeaderInt(in, path);
      if (magic != LABELS_MAGIC) {
        throw new ReliefInputException(path + ": not an IDX label file (magic number 0x" + hex(magic)
            + ", expected 0x" + hex(LABELS_MAGIC) + ")");
      }
      int count = readHeaderInt(in, path);
      if (count < 0) {
        throw new ReliefInputException(path + ": negative label count " + count);
      }
      return readBody(in, path, count);
    } catch (IOException e) {
      throw ioError(path, e);
    }
  }

  /**
   * Writes examples as an uncompressed IDX file of big-endian float32 (type {@code 0x0D}), with
   * the array's own dimensions; {@link #readFloatRange} reads any block of it back with one seek.
   */
  public static void writeFloats(java.io.OutputStream out, INDArray examples) throws IOException {
    long[] shape = examples.shape();
    java.io.DataOutputStream data = new java.io.DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16));
    data.writeInt(FLOATS_MAGIC | shape.length);
    for (long d : shape) {
      data.writeInt(Math.toIntExact(d));
    }
    java.nio.FloatBuffer values = examples.dup('c').data().asNioFloat();
    for (long k = 0; k < examples.length(); k++) {
      data.writeFloat(values.get((int) k));
    }
    data.flush();
  }

  /** Examples {@code from} (inclusive) to {@code to} (exclusive) of a file written by {@link #writeFloats}. */
  public static INDArray readFloatRange(Path path, int from, int to) {
    try (org.apache.hadoop.fs.FSDataInputStream in = HadoopFiles.fileSystem(path).open(path)) {
      int magic = readHeaderInt(in, path);
      int rank = magic & 0xff;
      if ((magic & ~0xff) != FLOATS_MAGIC || rank < 1) {
        throw new ReliefInputException(path + ": not an IDX float file (magic number 0x" + hex(magic) + ")");
      }
      long[] shape = new long[rank];
      for (int d = 0; d < rank; d++) {
        shape[d] = readHeaderInt(in, path);
      }
      if (from < 0 || to > shape[0] || from > to) {
        throw new IllegalArgumentException(path + " holds " + shape[0] + " examples, asked for [" + from + ", " + to + ")");
      }
      long volume = 1;
      for (int d = 1; d < rank; d++) {
        volume *= shape[d];
      }
      in.seek(4L * (1 + rank) + 4L * from * volume);
      byte[] bytes = new byte[Math.toIntExact(4 * (to - from) * volume)];
      in.readFully(bytes);
      float[] values = new float[bytes.length / 4];
      java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(values); // big-endian, as IDX is
      shape[0] = to - from;
      return Nd4j.create(values, shape, 'c');
    } catch (EOFException e) {
      throw new ReliefInputException(path + ": truncated");
    } catch (IOException e) {
      throw ioError(path, e);
    }
  }

  private static int readHeaderInt(DataInputStream in, Path path) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new ReliefInputException(path + ": truncated IDX header");
    }
  }

  private static byte[] readBody(InputStream in, Path path, int length) throws IOException {
    byte[] body = new byte[length];
    int read = 0;
    try {
      while (read < length) {
        int r = in.read(body, read, length - read);
        if (r < 0) {
          break;
        }
        read += r;
      }
    } catch (EOFException e) {
      // a gzip stream cut short ends here
    }
    if (read < length) {
      throw new ReliefInputException(path + ": truncated: header promises " + length + " bytes of data, file has " + read);
    }
    if (in.read() >= 0) {
      throw new ReliefInputException(path + ": " + "longer than its IDX header says (" + length + " data bytes)");
    }
    return body;
  }

  private static RuntimeException ioError(Path path, IOException e) {
    if (e instanceof FileNotFoundException) {
      return new ReliefInputException(path + ": file not found");
    }
    if (e instanceof EOFException || String.valueOf(e.getMessage()).contains("end of ZLIB")) {
      return new ReliefInputException(path + ": truncated (" + e.getMessage() + ")");
    }
    return new ReliefInputException(path + ": cannot read (" + e + ")", e);
  }

  private static String hex(int v) {
    return String.format("%08x", v);
  }
}
