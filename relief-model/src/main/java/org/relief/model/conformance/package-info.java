/**
 * Conformance with the paper's reference code: reading the fixtures of
 * {@code ../shared/conformance} (PyTorch layouts, little-endian float32) and checking one
 * pruning step against them entry by entry.
 */
package org.relief.model.conformance;
