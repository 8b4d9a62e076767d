/**
 * Avro records of every Kafka topic, generated from {@code src/main/avro} (see the module README
 * for topics, keys and the wire format).
 */
package dev.missrec.schemas;
