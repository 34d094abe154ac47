package org.relief.model.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.relief.model.ReliefInputException;
import org.relief.model.io.HadoopFiles;

/**
 * One recorded pruning step of the reference code: a directory with {@code manifest.json} and
 * one little-endian float32 file per tensor (gzipped where the name ends in {@code .gz}).
 * Tensors are read lazily; every problem (missing file, wrong size, missing entry) is an error
 * naming the file or the manifest entry.
 */
public final class Fixture {
  private final Path dir;
  private final Path manifestPath;
  private final JsonNode manifest;

  private Fixture(Path dir, Path manifestPath, JsonNode manifest) {
    this.dir = dir;
    this.manifestPath = manifestPath;
    this.manifest = manifest;
  }

  public static Fixture open(String dir) {
    Path root = HadoopFiles.path(dir);
    Path manifestPath = new Path(root, "manifest.json");
    try (InputStream in = HadoopFiles.open(manifestPath)) {
      return new Fixture(root, manifestPath, new ObjectMapper().readTree(in));
    } catch (FileNotFoundException e) {
      throw new ReliefInputException(manifestPath + ": not found (is " + dir + " a conformance fixture directory?)");
    } catch (IOException e) {
      throw new ReliefInputException(manifestPath + ": not valid JSON (" + e.getMessage() + ")");
    }
  }

  /** The fixture's directory name, e.g. {@code lenet5_seed42}. */
  public String name() {
    return dir.getName();
  }

  public Path manifestPath() {
    return manifestPath;
  }

  /** The manifest's {@code model} entry. */
  public String model() {
    return requiredText("model");
  }

  /** A numeric manifest entry, or {@code fallback} if it is absent or null. */
  public double number(String key, double fallback) {
    JsonNode node = manifest.get(key);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isNumber()) {
      throw new ReliefInputException(manifestPath + ": '" + key + "' must be a number, got " + node);
    }
    return node.asDouble();
  }

  public boolean hasGroup(String group) {
    JsonNode node = manifest.get(group);
    return node != null && node.isObject() && node.size() > 0;
  }

  /** The single tensor described directly under {@code key} (e.g. {@code input}). */
  public FloatTensor tensor(String key) {
    JsonNode node = manifest.get(key);
    if (node == null || !node.has("file")) {
      throw new ReliefInputException(manifestPath + ": no tensor entry '" + key + "'");
    }
    return read(key, node);
  }

  /** Tensor {@code name} of group {@code group} (e.g. {@code masks_after} / {@code fc1.weight}). */
  public FloatTensor tensor(String group, String name) {
    JsonNode g = manifest.get(group);
    if (g == null || !g.isObject()) {
      throw new ReliefInputException(manifestPath + ": no group '" + group + "'");
    }
    JsonNode node = g.get(name);
    if (node == null) {
      throw new ReliefInputException(manifestPath + ": group '" + group + "' has no tensor '" + name + "'");
    }
    return read(group + "/" + name, node);
  }

  /** Names of the tensors of a group, in manifest order. */
  public Map<String, JsonNode> group(String group) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    JsonNode g = manifest.get(group);
    if (g != null && g.isObject()) {
      g.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    }
    return out;
  }

  private String requiredText(String key) {
    JsonNode node = manifest.get(key);
    if (node == null || !node.isTextual()) {
      throw new ReliefInputException(manifestPath + ": missing text entry '" + key + "'");
    }
    return node.asText();
  }

  private FloatTensor read(String name, JsonNode node) {
    JsonNode file = node.get("file");
    JsonNode shapeNode = node.get("shape");
    if (file == null || !file.isTextual() || shapeNode == null || !shapeNode.isArray()) {
      throw new ReliefInputException(manifestPath + ": entry '" + name + "' needs 'file' and 'shape'");
    }
    if (node.has("dtype") && !"float32".equals(node.get("dtype").asText())) {
      throw new ReliefInputException(manifestPath + ": entry '" + name + "' has dtype " + node.get("dtype") + ", expected float32");
    }
    long[] shape = new long[shapeNode.size()];
    long count = 1;
    for (int k = 0; k < shape.length; k++) {
      shape[k] = shapeNode.get(k).asLong();
      if (shape[k] < 0) {
        throw new ReliefInputException(manifestPath + ": entry '" + name + "' has a negative dimension");
      }
      count *= shape[k];
    }
    Path path = new Path(dir, file.asText());
    if (count > Integer.MAX_VALUE / 4) {
      throw new ReliefInputException(path + ": tensor too large (" + count + " values)");
    }
    byte[] bytes = new byte[(int) count * 4];
    try (DataInputStream in = new DataInputStream(HadoopFiles.open(path))) {
      in.readFully(bytes);
      if (in.read() >= 0) {
        throw new ReliefInputException(path + ": holds more than the " + count + " float32 values of shape "
            + java.util.Arrays.toString(shape) + " that the manifest gives for '" + name + "'");
      }
    } catch (FileNotFoundException e) {
      throw new ReliefInputException(path + ": tensor file for '" + name + "' not found");
    } catch (EOFException e) {
      throw new ReliefInputException(path + ": holds fewer than the " + count + " float32 values of shape "
          + java.util.Arrays.toString(shape) + " that the manifest gives for '" + name + "'");
    } catch (IOException e) {
      throw new ReliefInputException(path + ": cannot read (" + e.getMessage() + ")", e);
    }
    float[] values = new float[(int) count];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return new FloatTensor(name, path.toString(), shape, values);
  }
}
