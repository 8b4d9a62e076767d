package dev.missrec.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The click stream and the statistics of the pipeline benchmark. */
class PipelineBenchmarkTest {

    private static ClickEvent click(int i) {
        return ClickEvent.newBuilder()
                .setEventId("e" + i)
                .setUserId("u" + i % 3)
                .setItemId("item-" + i)
                .setEventType(EventType.CLICK)
                .setEventTime(Instant.ofEpochSecond(1_000 + 7L * i))
                .build();
    }

    @Test
    void shouldSendWarmUpCopiesForOtherUsersBeforeTheMeasuredClicksInEventTimeOrder() {
        List<ClickEvent> clicks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clicks.add(click(i));
        }
        // 9 warm-up clicks: the 4 clicks after the first, cycled; then 3 measured ones
        List<ClickEvent> paced =
                PipelineBenchmark.pacedStream(clicks.get(0), clicks.subList(1, 5), 9, 3);

        assertThat(paced).hasSize(12);
        assertThat(paced.subList(0, 9))
                .extracting(ClickEvent::getEventId)
                .containsExactly(
                        "e1~warm0",
                        "e2~warm0",
                        "e3~warm0",
                        "e4~warm0",
                        "e1~warm1",
                        "e2~warm1",
                        "e3~warm1",
                        "e4~warm1",
                        "e1~warm2");
        assertThat(paced.get(4).getUserId()).isEqualTo("u1~warm1");
        // the measured clicks are the stream's own, for its own users
        assertThat(paced.subList(9, 12))
                .extracting(c -> c.getEventId() + "/" + c.getUserId() + "/" + c.getItemId())
                .containsExactly("e1/u1/item-1", "e2/u2/item-2", "e3/u0/item-3");
        assertThat(new HashSet<>(paced.stream().map(ClickEvent::getEventId).toList())).hasSize(12);
        // one second apart after the first click, in sending order
        for (int i = 0; i < paced.size(); i++) {
            assertThat(paced.get(i).getEventTime()).isEqualTo(Instant.ofEpochSecond(1_001 + i));
        }
    }

    @Test
    void shouldTakeNearestRankPercentilesAndTheMiddleEightyPercentRate() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(PipelineBenchmark.percentile(sorted, 50)).isEqualTo(5);
        assertThat(PipelineBenchmark.percentile(sorted, 99)).isEqualTo(10);
        assertThat(PipelineBenchmark.percentile(sorted, 0)).isEqualTo(1);

        // 11 produce times 100 ms apart, the first and last far out: 8 intervals in 0.8 s
        long[] produced = {0, 1_100, 1_200, 1_300, 1_400, 1_500, 1_600, 1_700, 1_800, 1_900, 9_999};
        assertThat(PipelineBenchmark.sustainedRate(produced)).isEqualTo(10.0);
    }
}
