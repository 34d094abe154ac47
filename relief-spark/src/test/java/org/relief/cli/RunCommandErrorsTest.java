package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to {@code relief run}: one line on stderr naming the key, value or file, exit 2,
 * and nothing written. None of these cases needs the dataset: they fail before it is read.
 */
class RunCommandErrorsTest {
  @TempDir Path tmp;

  private Path write(String body) throws IOException {
    Path conf = tmp.resolve("bad.conf");
    Files.writeString(conf, "relief.experiment.output = \"" + tmp.resolve("out") + "\"\n" + body);
    return conf;
  }

  private void assertRefused(CliRun run, String... mentions) {
    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
    for (String m : mentions) {
      assertTrue(run.err().contains(m), "stderr names '" + m + "': " + run.err());
    }
    assertFalse(run.err().contains("\tat "), "no stack trace");
    assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
  }

  @Test
  void aTypoedKeyIsNamedWithASuggestion() throws IOException {
    assertRefused(CliRun.of("run", write("relief.prune.alpah-fc = 0.9").toString()),
        "bad.conf", "relief.prune.alpah-fc", "did you mean 'relief.prune.alpha-fc'");
  }

  @Test
  void anAlphaOfOnePointFiveIsNamedWithItsValue() throws IOException {
    assertRefused(CliRun.of("run", write("").toString(), "--set", "prune.alpha-fc=1.5"),
        "relief.prune.alpha-fc", "1.5", "(0, 1]");
  }

  @Test
  void aValueOfTheWrongTypeIsNamed() throws IOException {
    assertRefused(CliRun.of("run", write("relief.train.batch-size = many").toString()),
        "relief.train.batch-size", "bad.conf");
  }

  @Test
  void aMissingDatasetSaysHowToGetIt() throws IOException {
    assertRefused(CliRun.of("run", write("relief.dataset.path = \"" + tmp.resolve("nowhere") + "\"").toString()),
        "nowhere", "apt-get install -y dataset-fashion-mnist", "dataset.path");
  }

  @Test
  void lenet5OnThreeChannelDataIsRefusedBeforeAnyWork() throws IOException {
    assertRefused(CliRun.of("run", write("""
        relief.network.architecture = lenet5
        relief.dataset { name = cifar10, path = "%s" }
        """.formatted(tmp.resolve("cifar"))).toString()),
        "relief.network.architecture", "lenet5", "3x32x32");
  }

  @Test
  void aMissingConfigFileIsNamed() {
    assertRefused(CliRun.of("run", tmp.resolve("missing.conf").toString()), "missing.conf", "not found");
  }

  @Test
  void aMalformedOverrideIsNamed() throws IOException {
    assertRefused(CliRun.of("run", write("").toString(), "--set", "prune.alpha-fc"), "--set prune.alpha-fc", "key=value");
  }

  @Test
  void anOutputDirectoryHoldingSomethingElseIsNotTouched() throws IOException {
    Files.createDirectories(tmp.resolve("out"));
    Files.writeString(tmp.resolve("out/precious.txt"), "keep me");
    CliRun run = CliRun.of("run", write("").toString());
    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertTrue(run.err().contains("holds no Relief run"), run.err());
    assertEquals("keep me", Files.readString(tmp.resolve("out/precious.txt")));
  }
}
