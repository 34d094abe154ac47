/**
 * The distribution layer (DESIGN.md "Shape of the system"): Relief on Apache Spark. It only
 * shards, reduces, schedules and persists; the algorithm is relief-model's. Closures never
 * capture {@code this}: executor code is static and reads broadcast values.
 */
package org.relief.spark;
