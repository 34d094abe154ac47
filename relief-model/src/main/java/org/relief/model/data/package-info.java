/**
 * Datasets in their real formats, read through the Hadoop FileSystem API: MNIST and
 * Fashion-MNIST IDX files (gzipped or not). Pixels are kept as bytes and scaled when a batch
 * is made.
 */
package org.relief.model.data;
