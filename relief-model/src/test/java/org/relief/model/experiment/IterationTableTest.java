package org.relief.model.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.relief.model.ReliefInputException;

class IterationTableTest {
  static IterationRow row(int iter, double remaining) {
    return new IterationRow(7, iter, 85.123, 86.5, 97.0, 98.25, 100 / remaining, remaining, 1000, 990, 10,
        "conv1:11 fc1:257", 12345, "validation", 2, 86.9, 0.25, 10.5, 0.75, "local");
  }

  @Test
  void writesAndReadsBackTheSameRows() {
    IterationTable table = new IterationTable(true).add(row(0, 100)).add(row(1, 44.85));
    IterationTable back = IterationTable.parse(table.toCsv(), "t.csv");
    assertEquals(table.toCsv(), back.toCsv());
    assertEquals(2, back.rows().size());
    assertEquals(44.85, back.last().remainingPercent());
    assertTrue(table.toCsv().startsWith("seed,iter,acc_pruned,acc_retrained,top5_pruned,top5_retrained,cr,"));
    assertTrue(table.toCsv().contains(",85.12,86.50,"), "accuracies in percent, two decimals");
  }

  @Test
  void top5ColumnsOnlyWhenAsked() {
    String csv = new IterationTable(false).add(row(0, 100)).toCsv();
    assertTrue(!csv.contains("top5"), csv);
    assertEquals(100.0, IterationTable.parse(csv, "t.csv").last().remainingPercent());
  }

  @Test
  void rowsMustFollowEachOtherAndBrokenFilesAreNamed() {
    assertThrows(IllegalArgumentException.class, () -> new IterationTable(false).add(row(0, 100)).add(row(2, 50)));
    String csv = new IterationTable(false).add(row(0, 100)).toCsv() + "1,2,3\n";
    ReliefInputException e = assertThrows(ReliefInputException.class, () -> IterationTable.parse(csv, "runs/x/iterations.csv"));
    assertTrue(e.getMessage().contains("runs/x/iterations.csv") && e.getMessage().contains("line 3"), e.getMessage());
  }
}
