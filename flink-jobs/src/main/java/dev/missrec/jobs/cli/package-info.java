/** The {@code missrec} command-line interface. */
package dev.missrec.jobs.cli;
