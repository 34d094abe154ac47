package org.relief.model.prune;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.hadoop.fs.Path;
import org.relief.model.ReliefInputException;
import org.relief.model.io.HadoopFiles;
import org.relief.model.net.NetworkTopology;
import org.relief.model.net.PrunableLayer;

/**
 * Masks on disk ({@code masks.bin}). Layout, big-endian: the 8 bytes {@code RELIEFMK}, format
 * version (int), layer count (int); per layer its name (modified UTF-8), outputs, inputs,
 * weights per connection, bias count and shortcut-gate count (ints; 0 for none), then the
 * weight, bias and gate flags as bit sets (LSB first, each padded to whole bytes); finally a
 * CRC-32 (long) of everything before it. Version 1 files (no counts: a bias per unit, no
 * gates) are still read. Written atomically; a truncated or altered file fails its checksum.
 */
public final class MaskFile {
  private static final byte[] MAGIC = "RELIEFMK".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int VERSION = 2;

  private MaskFile() {}

  public static void write(NetworkMasks masks, String uri) {
    Path path = HadoopFiles.path(uri);
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(masks.layers().size());
      for (LayerMask m : masks.layers()) {
        out.writeUTF(m.layer());
        out.writeInt(m.outputs());
        out.writeInt(m.inputs());
        out.writeInt(m.weightsPerConnection());
        out.writeInt(m.biasCount());
        boolean[] gates = m.gates();
        out.writeInt(gates == null ? 0 : gates.length);
        out.write(pack(m.weights()));
        out.write(pack(m.biases()));
        if (gates != null) {
          out.write(pack(gates));
        }
      }
      out.flush();
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
      out.flush();
      byte[] content = bytes.toByteArray();
      HadoopFiles.writeAtomically(path, o -> o.write(content));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("writing masks to " + path, e);
    }
  }

  /** Reads masks and checks that they fit the network's prunable layers, in order. */
  public static NetworkMasks read(String uri, NetworkTopology topology) {
    NetworkMasks masks = read(uri);
    List<PrunableLayer> layers = topology.layers();
    List<LayerMask> found = new ArrayList<>(masks.layers());
    if (found.size() != layers.size()) {
      throw new ReliefInputException(uri + ": masks for " + found.size() + " layers, the network has " + layers.size());
    }
    for (int k = 0; k < layers.size(); k++) {
      if (!found.get(k).fits(layers.get(k))) {
        throw new ReliefInputException(uri + ": mask " + found.get(k) + " does not fit layer " + layers.get(k).name());
      }
    }
    return masks;
  }

  public static NetworkMasks read(String uri) {
    Path path = HadoopFiles.path(uri);
    byte[] content;
    try (InputStream in = HadoopFiles.fileSystem(path).open(path)) {
      content = in.readAllBytes();
    } catch (FileNotFoundException e) {
      throw new ReliefInputException(path + ": mask file not found");
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      throw new ReliefInputException(path + ": mask file is truncated or corrupt (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new ReliefInputException(path + ": cannot read (" + e.getMessage() + ")", e);
    }
    if (content.length < MAGIC.length + 16 || !Arrays.equals(Arrays.copyOf(content, MAGIC.length), MAGIC)) {
      throw new ReliefInputException(path + ": not a Relief mask file");
    }
    CRC32 crc = new CRC32();
    crc.update(content, 0, content.length - 8);
    long stored = java.nio.ByteBuffer.wrap(content, content.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new ReliefInputException(path + ": mask file is truncated or corrupt (checksum mismatch)");
    }
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(content, 0, content.length - 8))) {
      in.skipNBytes(MAGIC.length);
      int version = in.readInt();
      if (version != 1 && version != VERSION) {
        throw new ReliefInputException(path + ": mask file version " + version + ", this Relief reads " + VERSION);
      }
      int count = in.readInt();
      List<LayerMask> masks = new ArrayList<>();
      for (int k = 0; k < count; k++) {
        String name = in.readUTF();
        int outputs = in.readInt();
        int inputs = in.readInt();
        int perConnection = in.readInt();
        int biases = version == 1 ? outputs : in.readInt();
        int gates = version == 1 ? 0 : in.readInt();
        boolean[] w = unpack(in, Math.multiplyExact(Math.multiplyExact(outputs, inputs), perConnection));
        boolean[] b = unpack(in, biases);
        boolean[] g = gates == 0 ? null : unpack(in, gates);
        masks.add(LayerMask.of(name, outputs, inputs, perConnection, w, b, g));
      }
      return NetworkMasks.of(masks);
    } catch (EOFException | ArithmeticException | NegativeArraySizeException | IllegalArgumentException e) {
      throw new ReliefInputException(path + ": mask file is malformed (" + e + ")");
    } catch (IOException e) {
      throw new ReliefInputException(path + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static byte[] pack(boolean[] flags) {
    byte[] out = new byte[(flags.length + 7) / 8];
    for (int k = 0; k < flags.length; k++) {
      if (flags[k]) {
        out[k >> 3] |= (byte) (1 << (k & 7));
      }
    }
    return out;
  }

  private static boolean[] unpack(DataInputStream in, int n) throws IOException {
    byte[] packed = new byte[(n + 7) / 8];
    in.readFully(packed);
    boolean[] out = new boolean[n];
    for (int k = 0; k < n; k++) {
      out[k] = (packed[k >> 3] & (1 << (k & 7))) != 0;
    }
    return out;
  }
}
