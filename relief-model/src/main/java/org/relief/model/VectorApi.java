package org.relief.model;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JDK 17's Vector API, an incubator module that a JVM has only when started with {@code
 * --add-modules jdk.incubator.vector} (submit/relief, submit/relief-submit and the tests do).
 * Kernels written on it are loaded by name through {@link #load}, so that a JVM without the
 * module never links a class that refers to it and runs the plain-Java kernel instead.
 */
public final class VectorApi {
  /** System property: {@code false} keeps the plain-Java kernels even where the Vector API is present. */
  public static final String PROPERTY = "relief.vector";
  private static final Logger LOG = LoggerFactory.getLogger(VectorApi.class);

  private VectorApi() {}

  /** Whether the module is present and {@link #PROPERTY} does not turn it off. */
  public static boolean enabled() {
    return Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
        && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /**
   * An instance of {@code className} (by its no-argument constructor) as {@code type}, if the
   * Vector API is {@link #enabled}; empty otherwise, or where the constructor throws {@link
   * UnsupportedOperationException} (its way of declining this CPU), or the class does not load
   * (logged).
   */
  public static <T> Optional<T> load(Class<T> type, String className) {
    if (!enabled()) {
      return Optional.empty();
    }
    try {
      Constructor<?> constructor = Class.forName(className).getDeclaredConstructor();
      constructor.setAccessible(true); // kernels are package-private beside the interface they implement
      return Optional.of(type.cast(constructor.newInstance()));
    } catch (ReflectiveOperationException | LinkageError e) {
      Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
      if (!(cause instanceof UnsupportedOperationException)) {
        LOG.warn("{} did not load; using the plain-Java kernel", className, cause);
      }
      return Optional.empty();
    }
  }
}
