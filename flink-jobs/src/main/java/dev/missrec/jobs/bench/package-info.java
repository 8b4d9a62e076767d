/** Benchmarks of the jobs on a real broker: throughput and latency of the whole pipeline. */
package dev.missrec.jobs.bench;
