/** Flink functions of the jobs; domain rules live in plain Java classes they call. */
package dev.missrec.jobs.function;
