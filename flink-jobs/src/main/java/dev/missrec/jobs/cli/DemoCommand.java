package dev.missrec.jobs.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: the one-command embedded demo is not built yet; until it is, this says so (exit
 * code 1) and lists the commands that run the same pipeline by hand.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "The embedded end-to-end demo (not built yet: prints the steps to run by hand).")
public final class DemoCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine()
                .getErr()
                .println(
                        String.join(
                                "\n",
                                "The one-command demo is not built yet. The same pipeline runs by hand"
                                        + " (README.md, \"Run the pipeline by hand\"):",
                                "  ./missrec kafka start",
                                "  ./missrec train --dataset ../shared/data/amazon-scientific-mm"
                                        + " --model sasrec --out work/models/sasrec",
                                "  ./missrec registry publish work/models/sasrec",
                                "  ./missrec run --dataset ../shared/data/amazon-scientific-mm &",
                                "  ./missrec produce --dataset ../shared/data/amazon-scientific-mm"
                                        + " --limit 3000 --rate 500",
                                "  ./missrec consume --from earliest --dataset"
                                        + " ../shared/data/amazon-scientific-mm --max 5",
                                "  ./missrec kafka stop"));
        return 1;
    }
}
