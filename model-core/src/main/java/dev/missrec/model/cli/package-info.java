/**
 * Command-line entry points of the model library ({@code compare}), usable as picocli subcommands.
 */
package dev.missrec.model.cli;
