package dev.missrec.jobs.function;

import dev.missrec.jobs.event.Click;
import dev.missrec.jobs.event.Rejection;
import dev.missrec.jobs.event.SequenceUpdate;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keeps each user's last L interactions in keyed state (RocksDB in production) and emits a {@link
 * SequenceUpdate} when a click should trigger a new recommendation.
 *
 * <p>Events arrive keyed by user id. A redelivered event id is dead-lettered as {@code DUPLICATE}
 * (it changes nothing); an event older than the watermark minus the allowed lateness is
 * dead-lettered as {@code LATE_EVENT}; an out-of-order event within the lateness is placed at its
 * event-time position. Idle users' state expires after the configured TTL.
 */
public class SequenceUpdater extends KeyedProcessFunction<String, Click, SequenceUpdate> {
    /** Late and duplicate events, to the dead-letter topic. */
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("sequence-rejected") {};

    static final String STATE_NAME = "user-sequence";

    /** How the sequences are kept and when a click triggers a recommendation. */
    public record Settings(
            int maxLength,
            int dedupWindow,
            Duration allowedLateness,
            Duration stateTtl,
            Duration minRecomputeInterval,
            Set<String> triggerEventTypes)
            implements Serializable {
        public Settings {
            if (maxLength < 1) {
                throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
            }
            if (dedupWindow < 1) {
                throw new IllegalArgumentException("dedupWindow must be positive: " + dedupWindow);
            }
            if (allowedLateness.isNegative()) {
                throw new IllegalArgumentException("allowedLateness must not be negative");
            }
            triggerEventTypes = Set.copyOf(triggerEventTypes);
        }

        /** L = 50 (MISSREC-SPEC.md §1.4), 1 minute lateness, 30 days TTL, every click triggers. */
        public static Settings defaults() {
            return new Settings(
                    50, 100, Duration.ofMinutes(1), Duration.ofDays(30), Duration.ZERO, Set.of());
        }
    }

    private final Settings settings;

    private transient ValueState<UserSequence> sequence;
    private transient Counter duplicates;
    private transient Counter lateEvents;
    private transient Counter outOfOrder;
    private transient Counter outsideWindow;
    private transient Counter recomputesSkipped;

    public SequenceUpdater(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<UserSequence> descriptor =
                new ValueStateDescriptor<>(STATE_NAME, UserSequence.class);
        if (settings.stateTtl() != null && !settings.stateTtl().isZero()) {
            descriptor.enableTimeToLive(
                    StateTtlConfig.newBuilder(settings.stateTtl())
                            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                            .cleanupInRocksdbCompactFilter(1000)
                            .build());
        }
        sequence = getRuntimeContext().getState(descriptor);
        var metrics = getRuntimeContext().getMetricGroup();
        duplicates = metrics.counter("duplicateEventsDropped");
        lateEvents = metrics.counter("lateEvents");
        outOfOrder = metrics.counter("outOfOrderEvents");
        outsideWindow = metrics.counter("eventsOutsideSequenceWindow");
        recomputesSkipped = metrics.counter("recomputesSkipped");
    }

    @Override
    public void processElement(Click click, Context ctx, Collector<SequenceUpdate> out)
            throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MIN_VALUE
                && click.eventTime < watermark - settings.allowedLateness().toMillis()) {
            lateEvents.inc();
            ctx.output(REJECTED, late(click, watermark));
            return;
        }
        UserSequence seq = sequence.value();
        if (seq == null) {
            seq = new UserSequence();
        }
        UserSequence.Outcome outcome =
                seq.add(
                        click.eventId,
                        click.itemId,
                        click.eventTime,
                        settings.maxLength(),
                        settings.dedupWindow());
        switch (outcome) {
            case DUPLICATE -> {
                duplicates.inc();
                ctx.output(
                        REJECTED,
                        rejection(
                                click,
                                "DUPLICATE",
                                "event id " + click.eventId + " was already applied"));
                return;
            }
            case OUTSIDE_WINDOW -> {
                outsideWindow.inc();
                sequence.update(seq); // the event id is remembered for de-duplication
                return;
            }
            case INSERTED_OUT_OF_ORDER -> outOfOrder.inc();
            case APPENDED -> {}
        }
        boolean triggers =
                settings.triggerEventTypes().isEmpty()
                        || settings.triggerEventTypes().contains(click.eventType);
        if (triggers
                && seq.mayRecompute(click.eventTime, settings.minRecomputeInterval().toMillis())) {
            seq.lastRecomputeEventTime = click.eventTime;
            out.collect(new SequenceUpdate(click.userId, seq.itemIds.clone(), click));
        } else if (triggers) {
            recomputesSkipped.inc();
        }
        sequence.update(seq);
    }

    private Rejection late(Click click, long watermark) {
        return rejection(
                click,
                "LATE_EVENT",
                "event time "
                        + click.eventTime
                        + " is more than "
                        + settings.allowedLateness().toMillis()
                        + " ms behind the watermark "
                        + watermark);
    }

    private Rejection rejection(Click click, String kind, String message) {
        return Rejection.of(
                click.sourceTopic,
                click.sourcePartition,
                click.sourceOffset,
                click.userId.getBytes(StandardCharsets.UTF_8),
                click.rawValue,
                kind,
                null,
                message,
                getClass().getSimpleName());
    }
}
