/** Kafka (de)serialization between Avro records on the topics and the job-internal types. */
package dev.missrec.jobs.serde;
