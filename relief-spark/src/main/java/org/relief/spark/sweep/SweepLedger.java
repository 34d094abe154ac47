package org.relief.spark.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.relief.model.ReliefInputException;
import org.relief.model.io.HadoopFiles;

/**
 * The state of every trial of a sweep, kept in {@code sweep.json} in the sweep's output
 * directory and rewritten atomically on every change: pending / running / done / failed, the
 * error of a failed trial, attempts, seconds. Mutable; only the driver touches it.
 *
 * <p>Opening an existing sweep reconciles it with the trial directories: a trial whose
 * directory holds {@code _SUCCESS} is done whatever the ledger says (the driver may have died
 * between the two writes); a trial left running by a killed driver is pending again.
 */
public final class SweepLedger {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE = "sweep.json";

  /** One trial's line in the ledger. */
  public static final class Entry {
    final Trial trial;
    TrialState state = TrialState.PENDING;
    int attempts;
    double seconds;
    String error;

    Entry(Trial trial) {
      this.trial = trial;
    }

    public Trial trial() {
      return trial;
    }

    public TrialState state() {
      return state;
    }

    public int attempts() {
      return attempts;
    }

    public String error() {
      return error;
    }
  }

  private final SweepPlan plan;
  private final Path root;
  private final FileSystem fs;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private SweepLedger(SweepPlan plan, Path root, FileSystem fs) {
    this.plan = plan;
    this.root = root;
    this.fs = fs;
    for (Trial t : plan.trials()) {
      entries.put(t.id(), new Entry(t));
    }
  }

  /**
   * Opens the sweep's ledger, creating it for a new sweep. Refuses a directory that holds
   * another sweep or anything else, before writing anything.
   *
   * @param retryFailed make failed trials pending again
   * @param write false for a dry run: read only
   */
  public static SweepLedger open(SweepPlan plan, boolean retryFailed, boolean write) {
    Path root = HadoopFiles.path(plan.settings().output());
    FileSystem fs = HadoopFiles.fileSystem(root);
    SweepLedger ledger = new SweepLedger(plan, root, fs);
    try {
      Path file = new Path(root, FILE);
      if (fs.exists(file)) {
        ledger.load(file);
      } else if (fs.exists(root) && fs.listStatus(root).length > 0) {
        throw new ReliefInputException("sweep output " + root + " is not empty and holds no " + FILE
            + "; choose another relief.sweep.output");
      }
      for (Entry e : ledger.entries.values()) {
        if (e.trial.invalid() != null) {
          e.state = TrialState.FAILED;
          e.error = e.trial.invalid();
        } else if (fs.exists(new Path(root, "trials/" + e.trial.id() + "/_SUCCESS"))) {
          e.state = TrialState.DONE;
          e.error = null;
        } else if (e.state == TrialState.RUNNING || (e.state == TrialState.FAILED && retryFailed)) {
          e.state = TrialState.PENDING;
        } else if (e.state == TrialState.DONE) {
          e.state = TrialState.PENDING; // its directory lost _SUCCESS: run (resume) it again
        }
      }
      if (write) {
        fs.mkdirs(root);
        ledger.save();
      }
      return ledger;
    } catch (IOException e) {
      throw new UncheckedIOException("opening sweep output " + root, e);
    }
  }

  public SweepPlan plan() {
    return plan;
  }

  public String uri() {
    return root.toString();
  }

  public synchronized List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  public synchronized List<Trial> pending() {
    return entries.values().stream().filter(e -> e.state == TrialState.PENDING).map(e -> e.trial).toList();
  }

  public synchronized TrialState state(String id) {
    return entries.get(id).state;
  }

  public synchronized int attempts(String id) {
    return entries.get(id).attempts;
  }

  public synchronized long count(TrialState state) {
    return entries.values().stream().filter(e -> e.state == state).count();
  }

  public synchronized void running(String id) {
    Entry e = entries.get(id);
    e.state = TrialState.RUNNING;
    e.attempts++;
    e.error = null;
    save();
  }

  public synchronized void finished(TrialOutcome outcome) {
    Entry e = entries.get(outcome.id());
    e.state = outcome.done() ? TrialState.DONE : TrialState.FAILED;
    e.error = outcome.error();
    e.seconds += outcome.seconds();
    save();
  }

  /** Mean seconds of the trials done so far (NaN if none). */
  public synchronized double meanSeconds() {
    return entries.values().stream().filter(e -> e.state == TrialState.DONE && e.seconds > 0)
        .mapToDouble(e -> e.seconds).average().orElse(Double.NaN);
  }

  private void load(Path file) throws IOException {
    JsonNode json;
    try (InputStream in = fs.open(file)) {
      json = JSON.readTree(in);
    } catch (IOException e) {
      throw new ReliefInputException(file + ": not a readable sweep ledger (" + e.getMessage() + ")");
    }
    String fingerprint = json.path("fingerprint").asText();
    if (!plan.fingerprint().equals(fingerprint)) {
      throw new ReliefInputException("sweep output " + root + " belongs to a different sweep ('"
          + json.path("sweep").asText() + "', other trials); choose another relief.sweep.output");
    }
    for (JsonNode t : json.path("trials")) {
      Entry e = entries.get(t.path("id").asText());
      if (e != null) {
        e.state = TrialState.valueOf(t.path("state").asText("pending").toUpperCase(java.util.Locale.ROOT));
        e.attempts = t.path("attempts").asInt();
        e.seconds = t.path("seconds").asDouble();
        e.error = t.path("error").isNull() || t.path("error").isMissingNode() ? null : t.path("error").asText();
      }
    }
  }

  private void save() {
    ObjectNode json = JSON.createObjectNode();
    json.put("sweep", plan.settings().name());
    json.put("fingerprint", plan.fingerprint());
    ArrayNode trials = json.putArray("trials");
    for (Entry e : entries.values()) {
      ObjectNode t = trials.addObject();
      t.put("id", e.trial.id());
      ObjectNode params = t.putObject("params");
      e.trial.params().forEach(params::put);
      t.put("state", e.state.id());
      t.put("attempts", e.attempts);
      t.put("seconds", Math.round(e.seconds * 1000) / 1000.0);
      if (e.error == null) {
        t.putNull("error");
      } else {
        t.put("error", e.error);
      }
      t.put("output", new Path(root, "trials/" + e.trial.id()).toString());
    }
    try {
      byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
      HadoopFiles.writeAtomically(new Path(root, FILE), out -> out.write(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + new Path(root, FILE), e);
    }
  }
}
