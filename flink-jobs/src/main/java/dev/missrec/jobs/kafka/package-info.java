/** The local single-node KRaft broker the CLI and the demo run as a separate process. */
package dev.missrec.jobs.kafka;
