package dev.missrec.jobs.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {

    @Test
    void shouldShowDoneOfTotalRateAndElapsedTime() {
        ProgressMeter meter =
                new ProgressMeter(
                        new PrintWriter(new StringWriter()), "produce", 1000, () -> 0L, 1);
        assertThat(meter.line(250, 5_000_000_000L))
                .isEqualTo("produce [=======                       ] 250/1,000 events 50/s 0:05");
        assertThat(meter.line(1000, 125_000_000_000L))
                .isEqualTo("produce [==============================] 1,000/1,000 events 8/s 2:05");
    }

    @Test
    void shouldRedrawAtMostOncePerIntervalAndEndTheLine() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressMeter meter =
                new ProgressMeter(new PrintWriter(text), "p", 100, now::get, 1_000_000_000L);
        for (int i = 1; i <= 100; i++) {
            now.addAndGet(100_000_000L); // 0.1 s per event: 10 s in all
            meter.update(i);
        }
        meter.finish(100);
        String out = text.toString();
        // ten redraws during the run plus the final one
        assertThat(out.chars().filter(c -> c == '\r').count()).isEqualTo(11);
        assertThat(out).endsWith("100/100 events 10/s 0:10" + System.lineSeparator());
    }

    @Test
    void shouldPrintNothingForARunTooShortToRedraw() {
        StringWriter text = new StringWriter();
        ProgressMeter meter =
                new ProgressMeter(new PrintWriter(text), "p", 3, () -> 0L, 1_000_000_000L);
        meter.update(3);
        meter.finish(3);
        assertThat(text.toString()).isEmpty();
    }
}
