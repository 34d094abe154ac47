package org.relief.spark.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.relief.model.ReliefInputException;
import org.relief.model.config.ExperimentConfig;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.io.HadoopFiles;

/**
 * A sweep expanded into its trials: every combination of the grid (keys in sorted order,
 * values in file order), then the explicit trials, each over the base experiment. Every trial
 * is checked like an experiment file before anything runs: an unknown key or a value of the
 * wrong type stops the sweep; a value out of range makes that one trial fail.
 *
 * <p>A baseline trial ({@code prune.pruner} other than nnrelief) given neither a schedule nor
 * a run to match is paired with its NNrelief trial, the one whose experiment differs only in
 * the pruner: it matches that trial's run ({@code prune.match-run}) and runs after it.
 */
public final class SweepPlan {
  private final SweepSettings settings;
  private final List<Trial> trials;
  private final List<String> varied;

  private SweepPlan(SweepSettings settings, List<Trial> trials, List<String> varied) {
    this.settings = settings;
    this.trials = List.copyOf(trials);
    this.varied = List.copyOf(varied);
  }

  /** Expands a sweep file already merged by {@link ExperimentConfig} (base experiment plus relief.sweep). */
  public static SweepPlan of(Config full, String file) {
    SweepSettings settings = SweepSettings.from(full);
    Config base = full.withoutPath("relief.sweep");
    List<Map<String, ConfigValue>> combinations = new ArrayList<>(grid(full.getConfig("relief.sweep.grid"), file));
    for (ConfigValue t : full.getList("relief.sweep.trials")) {
      if (t.valueType() != ConfigValueType.OBJECT) {
        throw new ReliefInputException(t.origin().description() + ": each of relief.sweep.trials must be an object of "
            + "experiment keys, got " + t.render());
      }
      Map<String, ConfigValue> params = new TreeMap<>();
      ((ConfigObject) t).toConfig().entrySet().forEach(e -> params.put(e.getKey(), e.getValue()));
      combinations.add(params);
    }
    if (combinations.isEmpty()) {
      throw new ReliefInputException(file + ": sweep '" + settings.name() + "' has no trials: relief.sweep.grid and "
          + "relief.sweep.trials are both empty");
    }
    TreeSet<String> varied = new TreeSet<>();
    combinations.forEach(c -> varied.addAll(c.keySet()));
    Path output = HadoopFiles.path(settings.output());
    Map<String, Resolved> byId = new LinkedHashMap<>();
    for (Map<String, ConfigValue> combination : combinations) {
      Resolved trial = resolve(base, combination);
      Resolved twin = byId.put(trial.id(), trial);
      if (twin != null) {
        throw new ReliefInputException(file + ": two trials are identical (" + twin.shown() + " and "
            + trial.shown() + " resolve to the same experiment, id " + trial.id() + ")");
      }
    }
    List<Trial> trials = new ArrayList<>();
    for (Resolved r : byId.values()) {
      String sibling = r.unpairedBaseline() ? r.nnreliefId() : null;
      trials.add(place(r, byId.containsKey(sibling) ? sibling : null, settings, output));
    }
    return new SweepPlan(settings, trials, new ArrayList<>(varied));
  }

  /** A trial's experiment before it is placed in the sweep's output. */
  private record Resolved(String id, Map<String, String> shown, Config merged) {
    /** A baseline with neither prune.schedule nor prune.match-run: it needs a trial to match. */
    boolean unpairedBaseline() {
      return !merged.getString("relief.prune.pruner").trim().equalsIgnoreCase("nnrelief")
          && merged.getList("relief.prune.schedule").isEmpty() && merged.getString("relief.prune.match-run").isBlank();
    }

    /** The id of the same experiment pruned by NNrelief. */
    String nnreliefId() {
      return SweepPlan.id(merged.withValue("relief.prune.pruner", ConfigValueFactory.fromAnyRef("nnrelief")));
    }
  }

  public SweepSettings settings() {
    return settings;
  }

  public List<Trial> trials() {
    return trials;
  }

  /** The keys some trial sets, sorted: the parameter columns of the results. */
  public List<String> varied() {
    return varied;
  }

  /** Identifies the sweep in its output directory: its name and its set of trial ids. */
  public String fingerprint() {
    TreeSet<String> ids = new TreeSet<>();
    trials.forEach(t -> ids.add(t.id()));
    return sha256(settings.name() + "\n" + String.join("\n", ids)).substring(0, 16);
  }

  private static List<Map<String, ConfigValue>> grid(Config grid, String file) {
    Map<String, ConfigList> axes = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : grid.entrySet()) {
      if (e.getValue().valueType() != ConfigValueType.LIST || ((ConfigList) e.getValue()).isEmpty()) {
        throw new ReliefInputException(e.getValue().origin().description() + ": relief.sweep.grid." + e.getKey()
            + " must be a non-empty list of values, got " + e.getValue().render());
      }
      axes.put(e.getKey(), (ConfigList) e.getValue());
    }
    List<Map<String, ConfigValue>> out = new ArrayList<>();
    if (axes.isEmpty()) {
      return out;
    }
    out.add(new TreeMap<>());
    for (Map.Entry<String, ConfigList> axis : axes.entrySet()) {
      List<Map<String, ConfigValue>> next = new ArrayList<>();
      for (Map<String, ConfigValue> partial : out) {
        for (ConfigValue v : axis.getValue()) {
          Map<String, ConfigValue> m = new TreeMap<>(partial);
          m.put(axis.getKey(), v);
          next.add(m);
        }
      }
      out = next;
    }
    return out;
  }

  private static Resolved resolve(Config base, Map<String, ConfigValue> params) {
    Config overlay = ConfigFactory.empty();
    Map<String, String> shown = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> p : params.entrySet()) {
      overlay = overlay.withValue("relief." + p.getKey(), p.getValue());
      // one line, no origin comments: the value is a column of results.csv and the trial table
      shown.put(p.getKey(), p.getValue().valueType() == ConfigValueType.STRING
          ? String.valueOf(p.getValue().unwrapped()) : p.getValue().render(com.typesafe.config.ConfigRenderOptions.concise()));
    }
    Config merged = ExperimentConfig.merge(overlay.withFallback(base), List.of()); // unknown keys and types stop the sweep
    return new Resolved(id(merged), shown, merged);
  }

  /** A stable hash of the experiment: every key except where its output goes and its name. */
  private static String id(Config merged) {
    Config identity = ExperimentSettings.experimentKeys(merged).withoutPath("experiment.output").withoutPath("experiment.name");
    return sha256(ExperimentSettings.renderExperiment(identity)).substring(0, 12);
  }

  /** The trial with its output under the sweep's, matching trial {@code matches}' run if not null. */
  private static Trial place(Resolved r, String matches, SweepSettings settings, Path output) {
    Config placed = r.merged()
        .withValue("relief.experiment.output", ConfigValueFactory.fromAnyRef(trialDir(output, r.id())))
        .withValue("relief.experiment.name", ConfigValueFactory.fromAnyRef(settings.name() + "-" + r.id()));
    if (matches != null) {
      placed = placed.withValue("relief.prune.match-run", ConfigValueFactory.fromAnyRef(trialDir(output, matches)));
    }
    String invalid = null;
    try {
      ExperimentSettings.from(placed);
    } catch (ReliefInputException e) {
      invalid = e.getMessage();
    }
    if (invalid != null && r.unpairedBaseline() && matches == null) {
      invalid += "; or add its NNrelief trial to the sweep (the same experiment with prune.pruner = nnrelief,"
          + " id " + r.nnreliefId() + "), which it then matches";
    }
    String config = ExperimentSettings.experimentKeys(placed).root().atKey("relief").root()
        .render(com.typesafe.config.ConfigRenderOptions.concise().setFormatted(true));
    return new Trial(r.id(), r.shown(), config, invalid, matches);
  }

  private static String trialDir(Path output, String id) {
    return new Path(output, "trials/" + id).toString();
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
