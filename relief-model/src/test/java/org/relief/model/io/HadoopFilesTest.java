package org.relief.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing a file never leaves it missing: a process killed at any instant leaves the old or the new content. */
class HadoopFilesTest {
  @TempDir
  java.nio.file.Path tmp;

  /** The local file system, refusing to delete the file being replaced. */
  private static FileSystem neverDeleting(Path target) throws IOException {
    FileSystem local = FileSystem.getLocal(new Configuration());
    return new FilterFileSystem(local) {
      @Override
      public boolean delete(Path f, boolean recursive) throws IOException {
        if (f.getName().equals(target.getName())) {
          throw new IOException("deleted the target " + f + ": a kill here would leave no file");
        }
        return super.delete(f, recursive);
      }
    };
  }

  @Test
  void aWriteReplacesTheFileWithoutDeletingItFirst() throws IOException {
    Path target = new Path(tmp.resolve("sweep.json").toUri());
    FileSystem fs = neverDeleting(target);
    HadoopFiles.writeAtomically(fs, target, out -> out.write("old".getBytes(StandardCharsets.UTF_8)));
    HadoopFiles.writeAtomically(fs, target, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));

    assertEquals("new", Files.readString(tmp.resolve("sweep.json")));
    try (var listing = Files.list(tmp)) {
      assertEquals(0, listing.filter(p -> p.getFileName().toString().startsWith("._tmp_")).count(),
          "no temporary file left");
    }
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
    Path target = new Path(tmp.resolve("sweep.json").toUri());
    FileSystem fs = neverDeleting(target);
    HadoopFiles.writeAtomically(fs, target, out -> out.write("old".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IOException.class, () -> HadoopFiles.writeAtomically(fs, target, out -> {
      out.write("half".getBytes(StandardCharsets.UTF_8));
      throw new IOException("disk full");
    }));
    assertEquals("old", Files.readString(tmp.resolve("sweep.json")));
    try (var listing = Files.list(tmp)) {
      assertEquals(0, listing.filter(p -> p.getFileName().toString().startsWith("._tmp_")).count());
    }
  }
}
