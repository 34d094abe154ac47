package org.relief.model.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.relief.model.ReliefInputException;

/**
 * Every file Relief reads or writes goes through here: a Hadoop URI (or a plain local path)
 * resolved with {@code path.getFileSystem(conf)}.
 */
public final class HadoopFiles {
  private static volatile Configuration defaultConf;

  private HadoopFiles() {}

  /** A shared Hadoop configuration (defaults plus whatever is on the classpath). */
  public static Configuration conf() {
    if (defaultConf == null) {
      synchronized (HadoopFiles.class) {
        if (defaultConf == null) {
          defaultConf = new Configuration();
        }
      }
    }
    return defaultConf;
  }

  /** Replaces the shared configuration (tests against HDFS, Spark's Hadoop configuration). */
  public static void useConf(Configuration conf) {
    defaultConf = conf;
  }

  public static Path path(String uri) {
    try {
      return new Path(uri);
    } catch (IllegalArgumentException e) {
      throw new ReliefInputException("not a valid path or URI: '" + uri + "' (" + e.getMessage() + ")");
    }
  }

  /**
   * The file system of a path. Local files are written without Hadoop's {@code .crc} sidecar
   * files: Relief's own binary formats carry their own checksums, and users read the rest.
   */
  public static FileSystem fileSystem(Path path) {
    try {
      FileSystem fs = path.getFileSystem(conf());
      if (fs instanceof org.apache.hadoop.fs.LocalFileSystem) {
        fs.setWriteChecksum(false);
      }
      return fs;
    } catch (IOException e) {
      throw new ReliefInputException("cannot reach the file system of " + path + ": " + e.getMessage(), e);
    }
  }

  public static boolean exists(Path path) {
    try {
      return fileSystem(path).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("checking " + path, e);
    }
  }

  /** Opens a file for reading, transparently gunzipping it if its first bytes are the gzip magic. */
  public static InputStream open(Path path) throws IOException {
    InputStream raw = new BufferedInputStream(fileSystem(path).open(path), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
    }
    return raw;
  }

  /**
   * Writes a file atomically: to a hidden temporary name beside it, then renamed over the
   * target, so that at every instant the target holds either its old or its new content, even
   * when the process is killed. (Deleting the old file first, as this once did, left no file at
   * all to a sweep driver killed between the delete and the rename.)
   */
  public static void writeAtomically(Path target, IoWriter writer) throws IOException {
    writeAtomically(fileSystem(target), target, writer);
  }

  static void writeAtomically(FileSystem fs, Path target, IoWriter writer) throws IOException {
    Path tmp = new Path(target.getParent(), "._tmp_" + target.getName() + "_" + System.nanoTime());
    try (FSDataOutputStream out = fs.create(tmp, false)) {
      writer.write(out);
    } catch (IOException | RuntimeException e) {
      fs.delete(tmp, false);
      throw e;
    }
    try {
      // Local files: rename(2) replaces the target atomically. HDFS and most others refuse to
      // rename onto an existing file and return false: their atomic replace is FileContext's.
      if (!fs.rename(tmp, target)) {
        FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(tmp, target, Options.Rename.OVERWRITE);
      }
    } catch (IOException | RuntimeException e) {
      fs.delete(tmp, false);
      throw new IOException("cannot rename " + tmp + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /** A body that writes to a stream. */
  @FunctionalInterface
  public interface IoWriter {
    void write(OutputStream out) throws IOException;
  }
}
