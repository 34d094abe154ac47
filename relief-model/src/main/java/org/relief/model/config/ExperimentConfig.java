package org.relief.model.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.relief.model.ReliefInputException;
import org.relief.model.io.HadoopFiles;

/**
 * Reads an experiment: the user's HOCON file (any Hadoop URI), then {@code --set key=value}
 * overrides, over the defaults of every {@code reference.conf} on the classpath. A key the
 * defaults do not know, a value of the wrong type, or a file that does not parse is a
 * {@link ReliefInputException} naming the key and where it was written. System properties and
 * the environment are deliberately not consulted: an experiment is its files.
 */
public final class ExperimentConfig {
  static final String ROOT = "relief";

  private ExperimentConfig() {}

  /** The merged, resolved and checked configuration. */
  public static Config load(String file, List<String> overrides) {
    return merge(parseFile(file), overrides);
  }

  /** Merges overrides into an already parsed user configuration and checks the result. */
  public static Config merge(Config user, List<String> overrides) {
    Config withOverrides = user;
    for (String o : overrides) {
      withOverrides = parseOverride(o).withFallback(withOverrides);
    }
    Config reference = reference();
    checkKnownKeys(withOverrides, reference);
    Config merged;
    try {
      merged = withOverrides.withFallback(reference).resolve();
      merged.checkValid(reference, ROOT);
    } catch (ConfigException e) {
      throw new ReliefInputException(e.getMessage(), e);
    }
    return merged;
  }

  /**
   * Every {@code reference.conf} on the classpath, merged and resolved. Not
   * {@code ConfigFactory.defaultReference()}: that overlays Java system properties, so a
   * {@code -Drelief.x=…} would silently become part of every experiment (and of its identity).
   */
  public static Config reference() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return ConfigFactory.parseResourcesAnySyntax(loader != null ? loader : ExperimentConfig.class.getClassLoader(),
        "reference.conf").resolve();
  }

  public static Config parseFile(String file) {
    Path path = HadoopFiles.path(file);
    try (InputStream in = HadoopFiles.open(path); Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return ConfigFactory.parseReader(reader,
          ConfigParseOptions.defaults().setOriginDescription(file).setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
    } catch (FileNotFoundException e) {
      throw new ReliefInputException(file + ": configuration file not found");
    } catch (ConfigException e) {
      throw new ReliefInputException(e.getMessage(), e);
    } catch (IOException e) {
      throw new ReliefInputException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /** {@code key=value}, value in HOCON syntax; the leading {@code relief.} may be left out. */
  static Config parseOverride(String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ReliefInputException("--set " + override + ": expected key=value, e.g. --set prune.alpha-fc=0.9");
    }
    String key = override.substring(0, eq).trim();
    String value = override.substring(eq + 1).trim();
    if (!key.equals(ROOT) && !key.startsWith(ROOT + ".")) {
      key = ROOT + "." + key;
    }
    try {
      return ConfigFactory.parseString(key + " = " + value,
          ConfigParseOptions.defaults().setOriginDescription("--set " + override));
    } catch (ConfigException e) {
      throw new ReliefInputException("--set " + override + ": not a valid key=value (" + e.getMessage() + ")");
    }
  }

  /**
   * Subtrees whose keys are not fixed by reference.conf: a sweep's grid and trials hold
   * experiment keys, checked one trial at a time.
   */
  private static final List<String> OPEN = List.of("relief.sweep.grid.", "relief.sweep.trials");

  private static void checkKnownKeys(Config user, Config reference) {
    List<String> known = new ArrayList<>();
    reference.entrySet().forEach(e -> known.add(e.getKey()));
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String key = e.getKey();
      if (OPEN.stream().anyMatch(key::startsWith)) {
        continue;
      }
      if (!reference.hasPathOrNull(key)) {
        String where = e.getValue().origin().description();
        throw new ReliefInputException(where + ": unknown key '" + key + "'" + suggestion(key, known));
      }
    }
  }

  private static String suggestion(String key, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(key, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 4) ? "; did you mean '" + best + "'?" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
