package org.relief.model.prune;

import java.util.Arrays;

/** {@link ShiftSums} in plain Java, lane by lane with {@link Math#fma}: the same bits as the Vector API kernel. */
final class ScalarShiftSums implements ShiftSums {
  private static final int SHIFTS = ShiftGrams.SHIFTS.length;

  @Override
  public void blockSums(float[] map, int mapCols, ShiftGrams.Axis rows, ShiftGrams.Axis cols, int[] offsets,
      float[] out) {
    float[] acc = new float[SHIFTS * LANES];
    int at = 0;
    for (int i = 0; i < rows.count(); i++) {
      for (int j = 0; j < cols.count(); j++) {
        Arrays.fill(acc, 0f);
        int rowCount = rows.length(i);
        int colCount = cols.length(j);
        // ShiftSums' order: an odd last column of consecutive ones after the others.
        int leading = cols.stride() == 1 && colCount >= 2 ? colCount - colCount % 2 : colCount;
        for (int r = 0; r < rowCount; r++) {
          for (int c = 0; c < leading; c++) {
            addPixel(map, mapCols, rows.start()[i] + r * rows.stride(), cols.start()[j] + c * cols.stride(), offsets, acc);
          }
        }
        for (int r = 0; r < rowCount && leading < colCount; r++) {
          addPixel(map, mapCols, rows.start()[i] + r * rows.stride(), cols.start()[j] + leading, offsets, acc);
        }
        System.arraycopy(acc, 0, out, at, acc.length);
        at += acc.length;
      }
    }
  }

  private static void addPixel(float[] map, int mapCols, int r, int c, int[] offsets, float[] acc) {
    int p = (r * mapCols + c + 2) * LANES;
    for (int s = 0; s < SHIFTS; s++) {
      int q = p + offsets[s];
      for (int l = 0; l < LANES; l++) {
        acc[s * LANES + l] = Math.fma(map[p + l], map[q + l], acc[s * LANES + l]);
      }
    }
  }

  @Override
  public void addPieces(float[] pieceSums, int[] shift, float[] fold, int[][] pieces, float[] terms, int stride,
      int block) {
    for (int q = 0; q < shift.length; q++) {
      int g = q * stride + block;
      Arrays.fill(terms, g, g + LANES, 0f);
      for (int piece : pieces[q]) {
        int at = (piece * SHIFTS + shift[q]) * LANES;
        for (int l = 0; l < LANES; l++) {
          terms[g + l] += pieceSums[at + l];
        }
      }
      for (int l = 0; l < LANES; l++) {
        terms[g + l] *= fold[q];
      }
    }
  }

  @Override
  public void load(float[] planes, int count, int inH, int inW, int mapCols, float[] map) {
    int plane = inH * inW;
    for (int k = 0; k < count; k++) {
      for (int r = 0; r < inH; r++) {
        for (int c = 0, to = (r * mapCols + 2) * LANES + k, from = k * plane + r * inW; c < inW; c++) {
          map[to + c * LANES] = Math.abs(planes[from + c]);
        }
      }
    }
  }
}
