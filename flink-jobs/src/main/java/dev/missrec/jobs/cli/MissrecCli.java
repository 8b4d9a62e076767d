package dev.missrec.jobs.cli;

import dev.missrec.model.cli.CompareCommand;
import dev.missrec.model.cli.EvalCommand;
import dev.missrec.model.cli.FinetuneCommand;
import dev.missrec.model.cli.GenerateCommand;
import dev.missrec.model.cli.ModelCli;
import dev.missrec.model.cli.PretrainCommand;
import dev.missrec.model.cli.RegistryCommand;
import dev.missrec.model.cli.TrainCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code missrec} command line: one entry point for every tool of the product. Run it through
 * the {@code ./missrec} launcher at the repository root.
 *
 * <p>Exit codes scripts can rely on: 0 success, 1 the command failed, 2 bad arguments.
 */
@Command(
        name = "missrec",
        mixinStandardHelpOptions = true,
        versionProvider = MissrecCli.Version.class,
        description = "Real-time multi-modal sequential recommendation (MISSRec) on Apache Flink.",
        subcommands = {
            DemoCommand.class,
            KafkaCommand.class,
            RunCommand.class,
            BenchCommand.class,
            AnnounceCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            CompareCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            PretrainCommand.class,
            FinetuneCommand.class,
            GenerateCommand.class,
            RegistryCommand.class,
            CommandLine.HelpCommand.class
        })
public final class MissrecCli {

    /** Runs the CLI and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    /** The configured command line, with product-wide error handling. */
    public static CommandLine newCommandLine() {
        // one line "<command> failed: <reason>" and exit code 1 on failure, 2 on bad arguments
        return ModelCli.installFailureHandler(new CommandLine(new MissrecCli()));
    }

    /** Versions of the product and of the stack it was built against. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in =
                    MissrecCli.class.getResourceAsStream("/missrec-version.properties")) {
                if (in == null) {
                    return new String[] {"missrec (version unknown: built outside Maven)"};
                }
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {
                "missrec " + p.getProperty("version"),
                "Flink "
                        + p.getProperty("flink")
                        + ", Kafka "
                        + p.getProperty("kafka")
                        + ", DJL "
                        + p.getProperty("djl")
                        + " (PyTorch "
                        + p.getProperty("pytorch")
                        + "), Java "
                        + Runtime.version()
            };
        }
    }
}
