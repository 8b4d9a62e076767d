package dev.missrec.jobs.feed;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for long sends, redrawn in place (carriage return) on a terminal stream:
 * events done of the total, the average rate so far and the elapsed time. Redraws at most every
 * {@code redrawNanos} so that drawing never slows a fast sender down.
 */
public final class ProgressMeter {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final LongSupplier nanoClock;
    private final long redrawNanos;
    private final long startNanos;
    private long lastDrawNanos;
    private boolean drawn;

    /**
     * A meter that draws on {@code out}.
     *
     * @param total the number of events expected (the bar's 100%)
     * @param redrawNanos shortest interval between two redraws
     */
    public ProgressMeter(
            PrintWriter out, String label, long total, LongSupplier nanoClock, long redrawNanos) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.nanoClock = nanoClock;
        this.redrawNanos = redrawNanos;
        this.startNanos = nanoClock.getAsLong();
        this.lastDrawNanos = startNanos;
    }

    /** Notes that {@code done} events are done; redraws if the last redraw is old enough. */
    public void update(long done) {
        long now = nanoClock.getAsLong();
        if (now - lastDrawNanos >= redrawNanos) {
            lastDrawNanos = now;
            draw(done, now);
        }
    }

    /** Draws the final state and ends the line (only if anything was drawn before). */
    public void finish(long done) {
        if (drawn) {
            draw(done, nanoClock.getAsLong());
            out.println();
            out.flush();
        }
    }

    /** The line for {@code done} events after {@code elapsedNanos} (without the return). */
    public String line(long done, long elapsedNanos) {
        int filled = total <= 0 ? WIDTH : (int) Math.min(WIDTH, WIDTH * done / total);
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        long s = (long) seconds;
        return String.format(
                Locale.ROOT,
                "%s [%s%s] %,d/%,d events %,.0f/s %d:%02d",
                label,
                "=".repeat(filled),
                " ".repeat(WIDTH - filled),
                done,
                total,
                rate,
                s / 60,
                s % 60);
    }

    private void draw(long done, long now) {
        out.print("\r" + line(done, now - startNanos));
        out.flush();
        drawn = true;
    }
}
