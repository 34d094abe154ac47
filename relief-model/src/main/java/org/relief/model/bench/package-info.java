/** Benchmarks run by {@code relief bench}; results are recorded in docs/BENCHMARKS.md. */
package org.relief.model.bench;
