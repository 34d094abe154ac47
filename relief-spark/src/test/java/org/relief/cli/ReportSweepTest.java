package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a real small sweep — Fashion-MNIST, NNrelief against magnitude-global, two
 * seeds; each baseline paired with the NNrelief trial of its seed and matching its remaining %
 * — rendered, opened in headless Chromium (Debian's {@code chromium},
 * installed by .ci/run) and screenshotted: the page is not blank and holds the charts and the
 * trial table.
 */
class ReportSweepTest {
  @TempDir Path tmp;

  @Test
  void aSweepsReportRendersInABrowser() throws Exception {
    SweepCommandTest.assumeData();
    Path out = tmp.resolve("sweep");
    Path conf = tmp.resolve("s.conf");
    Files.writeString(conf, SweepCommandTest.base(out, "baselines") + """
        relief.prune.iterations = 2
        relief.sweep.grid {
          prune.pruner = [nnrelief, magnitude-global]
          experiment.seed = [0, 1]
        }
        """);
    CliRun sweep = CliRun.of("sweep", conf.toString());
    assertEquals(0, sweep.exit(), sweep.toString());
    // results.csv: sweep,trial,experiment_seed,prune_pruner,<iterations.csv columns>
    List<String> rows = Files.readAllLines(out.resolve("results.csv"));
    int remaining = List.of(rows.get(0).split(",")).indexOf("remaining_percent");
    java.util.Map<String, String> budgets = new java.util.TreeMap<>(); // pruner/seed -> remaining % per iteration
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split(",");
      budgets.merge(f[3] + "/" + f[2], f[remaining], (a, b) -> a + " " + b);
    }
    assertEquals(4, budgets.size(), budgets.toString());
    for (String seed : List.of("0", "1")) {
      assertEquals(budgets.get("nnrelief/" + seed), budgets.get("magnitude-global/" + seed),
          "the baseline of seed " + seed + " reaches NNrelief's remaining % at every iteration");
    }

    CliRun report = CliRun.of("report", out.toString());
    assertEquals(0, report.exit(), report.toString());
    String html = Files.readString(out.resolve("report/index.html"));
    assertEquals(4, html.split("<td>magnitude-global</td>|<td>nnrelief</td>").length - 1, "four trials in the table");
    assertTrue(html.contains("<table id=\"seeds\">"), "mean ± std over the two seeds");

    Path shot = tmp.resolve("shot.png");
    List<String> command = List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + tmp.resolve("chromium-profile"), "--window-size=1200,2400",
        "--screenshot=" + shot, out.resolve("report/index.html").toUri().toString());
    Process chromium = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("chromium.log").toFile()).start();
    assertTrue(chromium.waitFor(2, TimeUnit.MINUTES), "chromium did not finish");
    assertTrue(Files.isRegularFile(shot), "no screenshot: " + Files.readString(tmp.resolve("chromium.log")));

    BufferedImage image = ImageIO.read(shot.toFile());
    assertEquals(1200, image.getWidth());
    Set<Integer> colours = new HashSet<>();
    long nonWhite = 0;
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        nonWhite += rgb == 0xffffff ? 0 : 1;
      }
    }
    assertTrue(colours.size() > 50 && nonWhite > 5_000, "the page is blank: " + colours.size() + " colours, "
        + nonWhite + " non-white samples");
    // what the page's image elements show: real PNGs of the size the report draws
    for (String chart : List.of("accuracy.png", "compression.png", "flops.png", "units.png")) {
      BufferedImage png = ImageIO.read(out.resolve("report/" + chart).toFile());
      assertTrue(png.getWidth() == 900 && png.getHeight() == 520, chart);
    }
  }
}
