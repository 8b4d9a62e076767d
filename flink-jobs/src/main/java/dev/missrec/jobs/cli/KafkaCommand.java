package dev.missrec.jobs.cli;

import dev.missrec.jobs.kafka.LocalKafkaBroker;
import dev.missrec.jobs.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code missrec kafka start|stop|status}: the local single-node KRaft broker. */
@Command(
        name = "kafka",
        mixinStandardHelpOptions = true,
        description = "Start, stop or inspect the local Kafka broker (KRaft, a separate process).",
        subcommands = {
            KafkaCommand.Start.class,
            KafkaCommand.Stop.class,
            KafkaCommand.Status.class
        })
final class KafkaCommand {

    /** Options every kafka subcommand shares. */
    static class BrokerDir {
        @Option(
                names = "--dir",
                defaultValue = "work/kafka",
                description =
                        "Directory for the broker's config, data, log and pid (default: ${DEFAULT-VALUE}).")
        Path dir;

        LocalKafkaBroker broker() {
            return new LocalKafkaBroker(dir);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start the broker.")
    static final class Start extends BrokerDir implements Callable<Integer> {
        @Option(
                names = "--port",
                defaultValue = "9092",
                description =
                        "Client port on localhost; 0 picks a free one (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(
                names = "--topics",
                split = ",",
                defaultValue = "clicks,items,recommendations,dead-letters,model-updates",
                description =
                        "Topics to create if missing; 'items' and 'model-updates' are compacted"
                                + " (default: ${DEFAULT-VALUE}; '' for none).")
        List<String> topics;

        @Option(
                names = "--partitions",
                defaultValue = "2",
                description = "Partitions of the created topics (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(
                names = "--heap-mb",
                defaultValue = "512",
                description = "Broker JVM heap in MiB (default: ${DEFAULT-VALUE}).")
        int heapMb;

        @Override
        public Integer call() throws Exception {
            LocalKafkaBroker broker = broker();
            String bootstrap = broker.start(port, heapMb, Duration.ofSeconds(90));
            List<String> created = Topics.create(bootstrap, topics, partitions);
            System.out.println("Kafka broker running at " + bootstrap);
            if (!created.isEmpty()) {
                System.out.println("  created topics " + String.join(", ", created));
            }
            System.out.println(
                    "  pid  " + broker.runningProcess().map(ProcessHandle::pid).orElse(-1L));
            System.out.println("  home " + broker.home());
            System.out.println("  log  " + broker.logFile());
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the broker.")
    static final class Stop extends BrokerDir implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            boolean stopped = broker().stop(Duration.ofSeconds(30));
            System.out.println(stopped ? "Kafka broker stopped." : "No Kafka broker was running.");
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Say whether the broker runs (exit code 0) or not (exit code 3).")
    static final class Status extends BrokerDir implements Callable<Integer> {
        @Override
        public Integer call() {
            LocalKafkaBroker broker = broker();
            var running = broker.runningProcess();
            if (running.isPresent()) {
                System.out.println(
                        "running: "
                                + broker.bootstrapServers().orElse("?")
                                + " (pid "
                                + running.get().pid()
                                + ")");
                return 0;
            }
            System.out.println("not running (" + broker.home() + ")");
            return 3;
        }
    }
}
