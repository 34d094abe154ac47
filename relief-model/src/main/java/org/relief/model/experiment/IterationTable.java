package org.relief.model.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.relief.model.ReliefInputException;

/** The rows of {@code iterations.csv}, as CSV with a header; fields with a comma or quote are quoted. */
public final class IterationTable {
  private final boolean withTop5;
  private final List<IterationRow> rows = new ArrayList<>();

  public IterationTable(boolean withTop5) {
    this.withTop5 = withTop5;
  }

  public IterationTable add(IterationRow row) {
    if (!rows.isEmpty() && row.iter() != rows.get(rows.size() - 1).iter() + 1) {
      throw new IllegalArgumentException("row for iteration " + row.iter() + " after iteration "
          + rows.get(rows.size() - 1).iter());
    }
    rows.add(row);
    return this;
  }

  public List<IterationRow> rows() {
    return List.copyOf(rows);
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public IterationRow last() {
    return rows.get(rows.size() - 1);
  }

  public String toCsv() {
    StringBuilder sb = new StringBuilder(String.join(",", IterationRow.columns(withTop5))).append('\n');
    for (IterationRow row : rows) {
      List<String> cells = new ArrayList<>();
      for (String v : row.cells(withTop5).values()) {
        cells.add(v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
      }
      sb.append(String.join(",", cells)).append('\n');
    }
    return sb.toString();
  }

  /** Parses a table written by {@link #toCsv()}; {@code source} names the file in errors. */
  public static IterationTable parse(String csv, String source) {
    String[] lines = csv.split("\n");
    if (lines.length == 0 || lines[0].isBlank()) {
      throw new ReliefInputException(source + ": empty iteration table");
    }
    List<String> header = split(lines[0]);
    IterationTable table = new IterationTable(header.contains("top5_pruned"));
    for (int l = 1; l < lines.length; l++) {
      if (lines[l].isBlank()) {
        continue;
      }
      List<String> cells = split(lines[l]);
      if (cells.size() != header.size()) {
        throw new ReliefInputException(source + ": line " + (l + 1) + " has " + cells.size() + " fields, header has "
            + header.size());
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int k = 0; k < header.size(); k++) {
        row.put(header.get(k), cells.get(k));
      }
      try {
        table.add(IterationRow.parse(row));
      } catch (RuntimeException e) {
        throw new ReliefInputException(source + ": line " + (l + 1) + " is not an iteration row (" + e.getMessage() + ")");
      }
    }
    return table;
  }

  private static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
