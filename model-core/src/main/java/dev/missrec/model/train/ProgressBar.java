package dev.missrec.model.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for long training runs, redrawn in place on a terminal stream (stderr):
 * batches done, running loss, and at the end of each epoch its time and validation NDCG@10.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String name;

    public ProgressBar(PrintStream out, String name) {
        this.out = out;
        this.name = name;
    }

    /** Redraws the bar for batch {@code done} of {@code total} of 1-based {@code epoch}. */
    public void batch(int epoch, int done, int total, double meanLoss) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        out.print(
                String.format(
                        Locale.ROOT,
                        "\r%s epoch %3d [%s%s] %d/%d loss %.4f",
                        name,
                        epoch,
                        "=".repeat(filled),
                        " ".repeat(WIDTH - filled),
                        done,
                        total,
                        meanLoss));
        out.flush();
    }

    /** Ends the epoch's line with its summary. */
    public void epoch(EpochLog log, boolean best) {
        out.print(
                String.format(
                        Locale.ROOT,
                        "\r%s epoch %3d loss %.4f train %.1fs valid NDCG@10 %.4f (%.1fs)%s%n",
                        name,
                        log.epoch(),
                        log.meanLoss(),
                        log.trainSeconds(),
                        log.validNdcg10(),
                        log.validSeconds(),
                        best ? " *" : ""));
        out.flush();
    }
}
