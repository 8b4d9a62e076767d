/** The real Kafka broker every integration test shares. */
package dev.missrec.it.kafka;
