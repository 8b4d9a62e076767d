/** The jobs: pipelines built from injected sources and sinks, and their Kafka wiring. */
package dev.missrec.jobs.job;
