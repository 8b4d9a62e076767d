/**
 * Kafka value serde for the topic records: Avro single-object encoding with a shipped schema
 * history, typed decoding errors, and Avro JSON for humans and the CLI.
 */
package dev.missrec.schemas.serde;
