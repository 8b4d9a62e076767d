package dev.missrec.model.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bench}: the model library's benchmarks ({@code inference}). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks: inference.",
        subcommands = {BenchInferenceCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "missing benchmark: inference");
    }
}
