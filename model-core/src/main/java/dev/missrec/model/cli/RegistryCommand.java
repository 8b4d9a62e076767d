package dev.missrec.model.cli;

import dev.missrec.model.serve.ModelRegistry;
import dev.missrec.model.serve.RegisteredModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code registry list|show|publish|retain}: the versioned model registry. */
@Command(
        name = "registry",
        mixinStandardHelpOptions = true,
        description = "List, inspect, publish and prune model versions in the registry.",
        subcommands = {
            RegistryCommand.ListVersions.class,
            RegistryCommand.Show.class,
            RegistryCommand.Publish.class,
            RegistryCommand.Retain.class
        })
public final class RegistryCommand {

    /** The registry root option every subcommand shares. */
    static class RootOption {
        @Option(
                names = "--registry",
                paramLabel = "DIR",
                defaultValue = "work/registry",
                description = "Registry root directory (default: ${DEFAULT-VALUE}).")
        Path root;

        @Spec CommandSpec spec;

        ModelRegistry registry() {
            return ModelRegistry.open(root);
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List versions, oldest first.")
    static final class ListVersions extends RootOption implements Callable<Integer> {
        @Override
        public Integer call() {
            List<RegisteredModel> versions = registry().list();
            if (versions.isEmpty()) {
                out().println("no versions in " + root);
            }
            for (RegisteredModel m : versions) {
                out().printf(
                                "%s  %-22s %-12s %s  %s%n",
                                m.version(),
                                m.manifest().createdAt(),
                                m.manifest().modelKind(),
                                m.manifest().data().dataset(),
                                headline(m.manifest().metrics()));
            }
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Verify one version (every checksum) and print its manifest.")
    static final class Show extends RootOption implements Callable<Integer> {
        @Parameters(paramLabel = "VERSION", description = "e.g. v000003, or 'latest'")
        String version;

        @Override
        public Integer call() {
            ModelRegistry registry = registry();
            RegisteredModel m =
                    "latest".equals(version)
                            ? registry.latest()
                                    .orElseThrow(
                                            () ->
                                                    new IllegalArgumentException(
                                                            "the registry " + root + " is empty"))
                            : registry.get(version);
            out().println("version          " + m.version());
            out().println("directory        " + m.directory());
            out().println("manifest sha256  " + m.manifestSha256());
            out().println(m.manifest().toJson());
            return 0;
        }
    }

    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description =
                    "Publish a verified copy of a model artifact directory as the next version.")
    static final class Publish extends RootOption implements Callable<Integer> {
        @Parameters(paramLabel = "ARTIFACT_DIR", description = "e.g. the --out of `train`")
        Path artifact;

        @Override
        public Integer call() {
            RegisteredModel m = registry().publishCopy(artifact);
            out().println(
                            "published "
                                    + m.version()
                                    + " (manifest sha256 "
                                    + m.manifestSha256()
                                    + ")");
            return 0;
        }
    }

    @Command(
            name = "retain",
            mixinStandardHelpOptions = true,
            description = "Delete all but the newest N versions (and the pinned ones).")
    static final class Retain extends RootOption implements Callable<Integer> {
        @Option(
                names = "--keep",
                required = true,
                paramLabel = "N",
                description = "versions to keep")
        int keep;

        @Option(
                names = "--pin",
                paramLabel = "VERSION",
                split = ",",
                description = "versions never deleted")
        Set<String> pinned = Set.of();

        @Override
        public Integer call() {
            List<String> deleted = registry().retain(keep, pinned);
            out().println(
                            deleted.isEmpty()
                                    ? "nothing to delete"
                                    : "deleted " + String.join(", ", deleted));
            return 0;
        }
    }

    private static String headline(Map<String, Double> metrics) {
        StringBuilder b = new StringBuilder();
        for (String key : new String[] {"valid.ndcg@10", "test.ndcg@10"}) {
            Double v = metrics.get(key);
            if (v != null) {
                b.append(key).append('=').append(String.format("%.4f", v)).append(' ');
            }
        }
        return b.toString().trim();
    }
}
