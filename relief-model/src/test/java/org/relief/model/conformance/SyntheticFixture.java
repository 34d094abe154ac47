package org.relief.model.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a LeNet-300-100 fixture in the reference format with random parameters and input,
 * and masks that keep everything, for tests that must not depend on {@code ../shared}.
 */
final class SyntheticFixture {
  private SyntheticFixture() {}

  static final long[][] SHAPES = {{300, 784}, {300}, {100, 300}, {100}, {10, 100}, {10}};
  static final String[] NAMES = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"};

  static Path write(Path dir, double alphaFc) throws IOException {
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = json.createObjectNode();
    manifest.put("model", "lenet300-100");
    manifest.putNull("alpha_conv");
    manifest.put("alpha_fc", alphaFc);
    Random random = new Random(1);
    ObjectNode params = manifest.putObject("params_before");
    ObjectNode after = manifest.putObject("masks_after");
    ObjectNode before = manifest.putObject("masks_before_backward");
    for (int k = 0; k < NAMES.length; k++) {
      String file = NAMES[k].replace('.', '_');
      entry(params.putObject(NAMES[k]), file + ".bin", SHAPES[k]);
      writeFloats(dir.resolve(file + ".bin"), count(SHAPES[k]), () -> (float) random.nextGaussian() * 0.05f);
      entry(after.putObject(NAMES[k]), "mask_" + file + ".bin", SHAPES[k]);
      writeFloats(dir.resolve("mask_" + file + ".bin"), count(SHAPES[k]), () -> 1f);
      entry(before.putObject(NAMES[k]), "prebwd_mask_" + file + ".bin", SHAPES[k]);
      writeFloats(dir.resolve("prebwd_mask_" + file + ".bin"), count(SHAPES[k]), () -> 1f);
    }
    entry(manifest.putObject("input"), "input.bin", new long[] {20, 784});
    writeFloats(dir.resolve("input.bin"), 20 * 784, random::nextFloat);
    json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("manifest.json").toFile(), manifest);
    return dir;
  }

  /** Rewrites one manifest entry's shape. */
  static void setShape(Path dir, String group, String name, long... shape) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(dir.resolve("manifest.json").toFile());
    ArrayNode s = ((ObjectNode) manifest.get(group).get(name)).putArray("shape");
    for (long d : shape) {
      s.add(d);
    }
    json.writeValue(dir.resolve("manifest.json").toFile(), manifest);
  }

  private static void entry(ObjectNode node, String file, long[] shape) {
    node.put("file", file);
    ArrayNode s = node.putArray("shape");
    for (long d : shape) {
      s.add(d);
    }
    node.put("dtype", "float32");
  }

  private static int count(long[] shape) {
    long c = 1;
    for (long d : shape) {
      c *= d;
    }
    return (int) c;
  }

  private static void writeFloats(Path file, int n, java.util.function.Supplier<Float> values) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k < n; k++) {
      buf.putFloat(values.get());
    }
    Files.write(file, buf.array());
  }
}
