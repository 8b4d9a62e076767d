/**
 * Feeding datasets onto Kafka and reading results back: click streams in event-time order, item
 * catalogs, pacing, progress and the producer wrapper behind {@code missrec produce|consume}.
 */
package dev.missrec.jobs.feed;
