package dev.missrec.jobs.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacerTest {

    /** A fake monotonic clock that only moves when the pacer sleeps or the "sender" works. */
    private static final class FakeTime {
        long now = 1_000_000_000L;
        final List<Long> sleeps = new ArrayList<>();

        Pacer pacer(double rate) {
            return new Pacer(
                    rate,
                    () -> now,
                    nanos -> {
                        sleeps.add(nanos);
                        now += nanos;
                    });
        }
    }

    @Test
    void shouldSpaceEventsExactlyAtTheRateWhenSendingIsFree() throws Exception {
        FakeTime t = new FakeTime();
        Pacer pacer = t.pacer(100);
        long begin = t.now;
        for (int i = 0; i < 1000; i++) {
            pacer.awaitNext();
        }
        // event 999 is due 9.99 s after event 0
        assertThat(t.now - begin).isEqualTo(9_990_000_000L);
        assertThat(t.sleeps).hasSize(999).allMatch(n -> n == 10_000_000L);
    }

    @Test
    void shouldNotAddTheSendTimeToTheInterval() throws Exception {
        FakeTime t = new FakeTime();
        Pacer pacer = t.pacer(100);
        long begin = t.now;
        for (int i = 0; i < 500; i++) {
            pacer.awaitNext();
            t.now += 3_000_000L; // each send takes 3 ms
        }
        // 499 intervals of 10 ms, plus the last send: not 499 * 13 ms
        assertThat(t.now - begin).isEqualTo(499 * 10_000_000L + 3_000_000L);
        assertThat(t.sleeps).allMatch(n -> n == 7_000_000L);
    }

    @Test
    void shouldCarrySubMillisecondLeadsAndStillAverageTheRate() throws Exception {
        FakeTime t = new FakeTime();
        Pacer pacer = t.pacer(20_000); // 50 us apart: too short to sleep for each event
        long begin = t.now;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            pacer.awaitNext();
        }
        double seconds = (t.now - begin) / 1e9;
        assertThat((n - 1) / seconds).isBetween(20_000 * 0.99, 20_000 * 1.01);
        // it slept about once per millisecond of schedule, never for less than the minimum
        assertThat(t.sleeps).allMatch(s -> s >= Pacer.MIN_SLEEP_NANOS);
        assertThat(t.sleeps.size()).isBetween(4_000, 5_100);
    }

    @Test
    void shouldNeverSleepWhenUnpaced() throws Exception {
        FakeTime t = new FakeTime();
        Pacer pacer = t.pacer(0);
        for (int i = 0; i < 10_000; i++) {
            pacer.awaitNext();
        }
        assertThat(pacer.isPaced()).isFalse();
        assertThat(t.sleeps).isEmpty();
    }

    @Test
    void shouldNotBurstMoreThanOneSecondOfEventsAfterAStall() throws Exception {
        FakeTime t = new FakeTime();
        Pacer pacer = t.pacer(100);
        for (int i = 0; i < 10; i++) {
            pacer.awaitNext();
        }
        t.now += 5_000_000_000L; // a five-second stall (e.g. the broker was unavailable)
        int sentWithoutSleeping = 0;
        int before = t.sleeps.size();
        while (t.sleeps.size() == before) {
            pacer.awaitNext();
            sentWithoutSleeping++;
        }
        // at most one second's worth (100 events) goes out at once, not the 500 owed
        assertThat(sentWithoutSleeping).isBetween(100, 102);
        // and afterwards the rate is back to 100/s
        long from = t.now;
        for (int i = 0; i < 100; i++) {
            pacer.awaitNext();
        }
        assertThat(t.now - from).isEqualTo(1_000_000_000L);
    }

    @Test
    void shouldRejectANegativeOrInfiniteRate() {
        assertThatThrownBy(() -> Pacer.system(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rate");
        assertThatThrownBy(() -> Pacer.system(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pacer.system(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
