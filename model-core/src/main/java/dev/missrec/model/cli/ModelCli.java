package dev.missrec.model.cli;

import dev.missrec.model.data.DatasetException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The model library's commands under one picocli parent ({@code compare}, {@code train}, {@code
 * eval}, {@code generate}); the product CLI can add them as subcommands, or run this directly.
 */
@Command(
        name = "missrec-model",
        mixinStandardHelpOptions = true,
        description =
                "MISSRec model library: compare, train, evaluate, pre-train, fine-tune, generate"
                        + " data.",
        subcommands = {
            CompareCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            GenerateCommand.class,
            RegistryCommand.class,
            BenchCommand.class,
            PretrainCommand.class,
            FinetuneCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ModelCli implements Runnable {

    @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

    /** Runs the CLI; exits with the command's exit code. */
    public static void main(String[] args) {
        System.exit(run(new CommandLine(new ModelCli()), args));
    }

    /** Runs {@code cli} with the DJL offline default and the failure handler installed. */
    static int run(CommandLine cli, String[] args) {
        // Never download anything at run time: libtorch comes from the native jar on the classpath.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        return installFailureHandler(cli).execute(args);
    }

    /**
     * Makes failures in {@code cli} and its subcommands print one clear line ("compare failed:
     * ...") and exit with 1; usage errors keep picocli's exit code 2. A stack trace follows only
     * for unexpected failures, not for bad data or bad artifacts.
     */
    public static CommandLine installFailureHandler(CommandLine cli) {
        cli.setExecutionExceptionHandler(
                (ex, commandLine, parseResult) -> {
                    PrintWriter err = commandLine.getErr();
                    String message = ex.getMessage() != null ? ex.getMessage() : ex.toString();
                    err.println(commandLine.getCommandName() + " failed: " + message);
                    if (!expected(ex)) {
                        ex.printStackTrace(err);
                    }
                    err.flush();
                    return CommandLine.ExitCode.SOFTWARE;
                });
        return cli;
    }

    private static boolean expected(Exception ex) {
        return ex instanceof DatasetException
                || ex instanceof dev.missrec.model.artifact.ArtifactException
                || ex instanceof dev.missrec.model.serve.RegistryException
                || ex instanceof IllegalArgumentException;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "missing command: compare, train, eval or generate");
    }
}
