package dev.missrec.jobs.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.jobs.event.Click;
import dev.missrec.jobs.event.Rejection;
import dev.missrec.jobs.event.SequenceUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sequence operator in Flink's keyed test harness, on the RocksDB state backend. */
class SequenceUpdaterTest {
    private KeyedOneInputStreamOperatorTestHarness<String, Click, SequenceUpdate> harness;

    private void open(SequenceUpdater.Settings settings) throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new SequenceUpdater(settings)),
                        c -> c.userId,
                        Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static SequenceUpdater.Settings settings(int maxLength) {
        return new SequenceUpdater.Settings(
                maxLength,
                10,
                Duration.ofMillis(100),
                Duration.ofHours(1),
                Duration.ZERO,
                Set.of());
    }

    private static Click click(String eventId, String user, String item, long time) {
        Click c = new Click(eventId, user, item, "CLICK", time, 0, "clicks", 0, 7);
        c.rawValue = new byte[] {1, 2, 3};
        return c;
    }

    private List<SequenceUpdate> emitted() {
        return harness.extractOutputValues();
    }

    @Test
    void shouldEmitOneUpdatePerClickWithThePerUserSequence() throws Exception {
        open(settings(3));
        harness.processElement(new StreamRecord<>(click("e1", "alice", "a", 10), 10));
        harness.processElement(new StreamRecord<>(click("e2", "bob", "x", 11), 11));
        harness.processElement(new StreamRecord<>(click("e3", "alice", "b", 12), 12));

        assertThat(emitted())
                .extracting(
                        u -> u.userId + ":" + String.join(",", u.itemIds) + ":" + u.trigger.eventId)
                .containsExactly("alice:a:e1", "bob:x:e2", "alice:a,b:e3");
        try (var keys =
                harness.getOperator()
                        .getKeyedStateBackend()
                        .getKeys(SequenceUpdater.STATE_NAME, VoidNamespace.INSTANCE)) {
            assertThat(keys).containsExactlyInAnyOrder("alice", "bob");
        }
    }

    @Test
    void shouldDeadLetterARedeliveredEventWithoutEmitting() throws Exception {
        open(settings(3));
        harness.processElement(new StreamRecord<>(click("e1", "alice", "a", 10), 10));
        harness.processElement(new StreamRecord<>(click("e1", "alice", "a", 10), 10));
        assertThat(emitted()).hasSize(1);
        assertThat(harness.getSideOutput(SequenceUpdater.REJECTED))
                .singleElement()
                .satisfies(r -> assertThat(r.getValue().errorKind).isEqualTo("DUPLICATE"));
    }

    @Test
    void shouldDeadLetterAnEventBehindTheWatermarkByMoreThanTheLateness() throws Exception {
        open(settings(3));
        harness.processElement(new StreamRecord<>(click("e1", "alice", "a", 1_000), 1_000));
        harness.processWatermark(new Watermark(1_000));
        // within the 100 ms lateness: inserted in event-time order
        harness.processElement(new StreamRecord<>(click("e2", "alice", "early", 950), 950));
        // beyond it: dead-lettered with the raw bytes
        harness.processElement(new StreamRecord<>(click("e3", "alice", "late", 850), 850));

        assertThat(emitted())
                .last()
                .satisfies(u -> assertThat(u.itemIds).containsExactly("early", "a"));
        List<Rejection> rejected =
                harness.getSideOutput(SequenceUpdater.REJECTED).stream()
                        .map(StreamRecord::getValue)
                        .toList();
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).errorKind).isEqualTo("LATE_EVENT");
        assertThat(rejected.get(0).rawValue).containsExactly(1, 2, 3);
        assertThat(rejected.get(0).sourceOffset).isEqualTo(7);
    }

    @Test
    void shouldRecomputeOnlyForTriggerTypesAndAtMostOncePerInterval() throws Exception {
        open(
                new SequenceUpdater.Settings(
                        5,
                        10,
                        Duration.ofMinutes(1),
                        Duration.ofHours(1),
                        Duration.ofMillis(100),
                        Set.of("CLICK")));
        Click view = click("e1", "alice", "v", 10);
        view.eventType = "VIEW";
        harness.processElement(new StreamRecord<>(view, 10));
        harness.processElement(new StreamRecord<>(click("e2", "alice", "a", 20), 20));
        harness.processElement(new StreamRecord<>(click("e3", "alice", "b", 50), 50));
        harness.processElement(new StreamRecord<>(click("e4", "alice", "c", 120), 120));

        // the view updates the sequence but triggers nothing; e3 falls within 100 ms of e2
        assertThat(emitted())
                .extracting(u -> String.join(",", u.itemIds))
                .containsExactly("v,a", "v,a,b,c");
    }

    @Test
    void shouldForgetAnIdleUserAfterTheStateTtl() throws Exception {
        open(
                new SequenceUpdater.Settings(
                        5,
                        10,
                        Duration.ofMinutes(1),
                        Duration.ofMillis(1_000),
                        Duration.ZERO,
                        Set.of()));
        harness.setStateTtlProcessingTime(0);
        harness.processElement(new StreamRecord<>(click("e1", "alice", "a", 10), 10));
        harness.setStateTtlProcessingTime(5_000);
        harness.processElement(new StreamRecord<>(click("e2", "alice", "b", 20), 20));
        assertThat(emitted()).last().satisfies(u -> assertThat(u.itemIds).containsExactly("b"));
    }
}
