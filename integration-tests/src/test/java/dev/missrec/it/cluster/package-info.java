/** The job jar on a Flink cluster in its own JVM, whose class path has Flink and DJL only. */
package dev.missrec.it.cluster;
