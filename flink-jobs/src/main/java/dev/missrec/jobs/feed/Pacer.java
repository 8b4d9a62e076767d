package dev.missrec.jobs.feed;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces a sender at a target rate (events per second) by sleeping, never by spinning.
 *
 * <p>Event {@code k} (0-based) is due at {@code t0 + k/rate}, measured from the first call; a
 * sender that is ahead of its schedule sleeps until the event is due, so the time spent sending
 * does not add to the interval and the long-run rate is exact instead of drifting low. A lead under
 * {@link #MIN_SLEEP_NANOS} is not slept (the OS cannot sleep that precisely); it is carried by the
 * schedule, so at high rates the sender sleeps once every few events and the average stays right. A
 * sender that falls more than {@link #MAX_LAG_NANOS} behind (a slow broker, a GC pause) moves its
 * schedule forward rather than bursting to catch up, so the rate is never exceeded by more than one
 * second's worth of events.
 *
 * <p>Not thread-safe: one sender thread.
 */
public final class Pacer {
    /** Shortest sleep worth taking. */
    public static final long MIN_SLEEP_NANOS = 1_000_000L;

    /** Largest backlog the schedule keeps before it gives up on catching up. */
    public static final long MAX_LAG_NANOS = 1_000_000_000L;

    /** Sleeps for a number of nanoseconds; replaced in tests by one that advances a fake clock. */
    @FunctionalInterface
    public interface Sleeper {
        /** Sleeps about {@code nanos} nanoseconds. */
        void sleep(long nanos) throws InterruptedException;
    }

    private final double nanosPerEvent;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private boolean started;
    private long originNanos;
    private long issued;

    /**
     * A pacer for {@code ratePerSecond} events per second (0 = unpaced) on the given clock.
     *
     * @throws IllegalArgumentException if the rate is negative or not finite
     */
    public Pacer(double ratePerSecond, LongSupplier nanoClock, Sleeper sleeper) {
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException(
                    "the rate must be a finite number >= 0 events/s, got " + ratePerSecond);
        }
        this.nanosPerEvent = ratePerSecond == 0 ? 0 : 1e9 / ratePerSecond;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /** A pacer on the system's monotonic clock that sleeps the calling thread. */
    public static Pacer system(double ratePerSecond) {
        return new Pacer(ratePerSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    /** Whether this pacer limits the rate at all. */
    public boolean isPaced() {
        return nanosPerEvent > 0;
    }

    /** Waits until the next event is due; returns at once when unpaced or behind schedule. */
    public void awaitNext() throws InterruptedException {
        if (nanosPerEvent == 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (!started) {
            started = true;
            originNanos = now;
        }
        long due = originNanos + Math.round(issued * nanosPerEvent);
        long lead = due - now;
        if (lead >= MIN_SLEEP_NANOS) {
            sleeper.sleep(lead);
        } else if (-lead > MAX_LAG_NANOS) {
            // Rebase so that this event is due MAX_LAG behind now: at most one second's burst.
            originNanos += -lead - MAX_LAG_NANOS;
        }
        issued++;
    }

    /** Events let through so far. */
    public long issued() {
        return issued;
    }
}
