package org.relief.model.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.relief.model.ReliefInputException;

/** A choice written in config files and on the command line by a lowercase id, e.g. {@code mean-l2}. */
public interface Identified {

  String id();

  /** The value whose id is {@code id}; the error names what was asked for and lists the choices. */
  static <E extends Identified> E parse(E[] values, String id, String what) {
    String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
    for (E v : values) {
      if (v.id().equals(wanted)) {
        return v;
      }
    }
    throw new ReliefInputException("unknown " + what + " '" + id + "'; known: "
        + Arrays.stream(values).map(Identified::id).collect(Collectors.joining(", ")));
  }
}
