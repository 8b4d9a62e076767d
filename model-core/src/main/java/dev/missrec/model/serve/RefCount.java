package dev.missrec.model.serve;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reference count that runs a release action exactly once, when the last holder lets go. It
 * starts at one, the owner's reference; a count that reached zero can never be acquired again, so a
 * reader that loses the race with the owner's release simply retries with the newer value.
 */
final class RefCount {
    private final AtomicInteger count = new AtomicInteger(1);
    private final Runnable onLastRelease;

    RefCount(Runnable onLastRelease) {
        this.onLastRelease = onLastRelease;
    }

    /** Takes a reference unless the count already reached zero. */
    boolean tryAcquire() {
        while (true) {
            int c = count.get();
            if (c == 0) {
                return false;
            }
            if (count.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one runs the release action. */
    void release() {
        int c = count.decrementAndGet();
        if (c == 0) {
            onLastRelease.run();
        } else if (c < 0) {
            throw new IllegalStateException("released more often than acquired");
        }
    }

    /** Current references (for tests and metrics). */
    int count() {
        return count.get();
    }
}
