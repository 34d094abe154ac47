/**
 * Reading and writing through the Hadoop FileSystem API, so every path may be file://,
 * hdfs:// or s3a://: opening (gzip detected by content), atomic writes, the mask file format.
 */
package org.relief.model.io;
