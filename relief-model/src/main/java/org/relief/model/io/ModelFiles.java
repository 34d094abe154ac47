package org.relief.model.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

/** DL4J model files on any Hadoop file system, written atomically. */
public final class ModelFiles {
  private ModelFiles() {}

  /** Writes {@code network} with DL4J's ModelSerializer (no updater state) to {@code path}, atomically. */
  public static void write(Path path, Model network) throws IOException {
    HadoopFiles.fileSystem(path).mkdirs(path.getParent());
    HadoopFiles.writeAtomically(path, out -> ModelSerializer.writeModel(network, unclosable(out), false));
  }

  /** ModelSerializer closes the stream it is given; the atomic writer closes it itself. */
  private static OutputStream unclosable(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void close() throws IOException {
        flush();
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }
    };
  }
}
