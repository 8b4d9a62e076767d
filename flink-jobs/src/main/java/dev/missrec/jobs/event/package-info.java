/** The job-internal event types (Flink POJOs); Avro appears only at the Kafka edges. */
package dev.missrec.jobs.event;
