package org.relief.model.prune;

/**
 * Whether this JVM was started with JDK 17's Vector API ({@code --add-modules
 * jdk.incubator.vector}, as Relief's scripts, tests and Spark settings do). Classes that use it
 * ({@link PlaneGrams}) are only touched when it is present; without it the pruning step takes
 * the plain-Java path, slower and otherwise the same.
 */
final class VectorModule {
  static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private VectorModule() {}
}
