package dev.missrec.jobs.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.jobs.event.Click;
import dev.missrec.jobs.event.ControlEvent;
import dev.missrec.jobs.event.ModelRef;
import dev.missrec.jobs.event.Recommended;
import dev.missrec.jobs.event.SequenceUpdate;
import dev.missrec.model.eval.SequenceScorer;
import dev.missrec.model.serve.BatchRecommender;
import dev.missrec.model.serve.ItemChange;
import dev.missrec.model.serve.LiveItemCatalog;
import dev.missrec.model.serve.Recommendations;
import dev.missrec.model.serve.ScorerRecommender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The batching, hot-swapping inference operator in Flink's test harness. */
class InferenceBatcherTest {
    private static final String[] ITEMS = {"[PAD]", "a", "b", "c", "d"};

    /** Batch sizes the scorers saw, and versions closed, in this test. */
    static final List<Integer> CALLS = new CopyOnWriteArrayList<>();

    static final List<String> CLOSED = new CopyOnWriteArrayList<>();

    private static final int UNLIMITED = 1 << 20;

    /** While drained, every model call waits for a permit: a call held in flight. */
    static final Semaphore CALL_PERMITS = new Semaphore(UNLIMITED);

    private TwoInputStreamOperatorTestHarness<SequenceUpdate, ControlEvent, Recommended> harness;

    /** Scores the item after the history's last item highest, then the item after that. */
    static final class NextItemScorer implements SequenceScorer {
        @Override
        public String name() {
            return "next-item";
        }

        @Override
        public float[][] score(List<int[]> histories) {
            CALLS.add(histories.size());
            CALL_PERMITS.acquireUninterruptibly();
            float[][] out = new float[histories.size()][ITEMS.length];
            for (int b = 0; b < histories.size(); b++) {
                int[] h = histories.get(b);
                int next = h[h.length - 1] % (ITEMS.length - 1) + 1;
                out[b][next] = 2f;
                out[b][next % (ITEMS.length - 1) + 1] = 1f;
            }
            return out;
        }
    }

    /** Serves version "v1" at start and any announced version except "broken" on update. */
    static final class Factory implements RecommenderFactory {
        @Override
        public BatchRecommender create() {
            return recommender("v1");
        }

        @Override
        public BatchRecommender create(ModelRef model) {
            if (model.version.equals("broken")) {
                throw new IllegalStateException("manifest checksum mismatch for broken");
            }
            return recommender(model.version);
        }

        private static BatchRecommender recommender(String version) {
            ScorerRecommender inner =
                    new ScorerRecommender(new NextItemScorer(), ITEMS, version, false);
            return new BatchRecommender() {
                @Override
                public String modelVersion() {
                    return inner.modelVersion();
                }

                @Override
                public List<Recommendations> recommend(List<String[]> histories, int k) {
                    return inner.recommend(histories, k);
                }

                // run-time items are accepted with 2 text features ("narrow" reads 3), not scored
                private final java.util.Set<String> added = new java.util.HashSet<>();

                @Override
                public boolean knows(String itemId) {
                    return inner.knows(itemId) || added.contains(itemId);
                }

                @Override
                public ItemChange updateItem(
                        String itemId,
                        float[] text,
                        float[] image,
                        LiveItemCatalog.Status status,
                        long updateTime) {
                    if (text == null) {
                        return BatchRecommender.super.updateItem(
                                itemId, text, image, status, updateTime);
                    }
                    int dim = version.equals("narrow") ? 3 : 2;
                    if (text.length != dim) {
                        return ItemChange.rejected(
                                itemId + ": text has " + text.length + " values, reads " + dim);
                    }
                    added.add(itemId);
                    return ItemChange.ACCEPTED;
                }

                @Override
                public boolean setRecommendable(String itemId, boolean recommendable) {
                    return inner.setRecommendable(itemId, recommendable);
                }

                @Override
                public int catalogSize() {
                    return inner.catalogSize();
                }

                @Override
                public void close() {
                    CLOSED.add(version);
                }
            };
        }
    }

    @BeforeEach
    void reset() {
        CALLS.clear();
        CLOSED.clear();
        CALL_PERMITS.drainPermits();
        CALL_PERMITS.release(UNLIMITED);
    }

    private TwoInputStreamOperatorTestHarness<SequenceUpdate, ControlEvent, Recommended> newHarness(
            int batchSize, long maxDelay) throws Exception {
        var h =
                new TwoInputStreamOperatorTestHarness<>(
                        new InferenceBatcher(new Factory(), batchSize, maxDelay, 2));
        h.setProcessingTime(0);
        return h;
    }

    /** A batcher whose model calls run on its inference thread, deadline 1 s. */
    private void openOverlapping(int batchSize) throws Exception {
        openOverlapping(batchSize, 1_000);
    }

    private void openOverlapping(int batchSize, long maxDelay) throws Exception {
        openOverlapping(batchSize, maxDelay, null);
    }

    private void openOverlapping(int batchSize, long maxDelay, OperatorSubtaskState restored)
            throws Exception {
        harness =
                new TwoInputStreamOperatorTestHarness<>(
                        new InferenceBatcher(new Factory(), batchSize, maxDelay, 2, true));
        harness.setProcessingTime(0);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    private void open(int batchSize, long maxDelay) throws Exception {
        harness = newHarness(batchSize, maxDelay);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        CALL_PERMITS.release(UNLIMITED); // a call held by a failed test must not hold up close()
        if (harness != null) {
            harness.close();
        }
    }

    private static StreamRecord<SequenceUpdate> update(String user, long time, String... items) {
        Click trigger =
                new Click(
                        "e-" + user + time,
                        user,
                        items[items.length - 1],
                        "CLICK",
                        time,
                        5,
                        "clicks",
                        0,
                        time);
        return new StreamRecord<>(new SequenceUpdate(user, items, trigger), time);
    }

    /** Processing time of the open harness, moved forward by {@link #flushAndTake}. */
    private long clock;

    /** Moves time past every deadline, so the pending batch is answered, and takes the output. */
    private List<Recommended> flushAndTake() throws Exception {
        clock += 1_000_000;
        harness.setProcessingTime(clock);
        List<Recommended> out = new ArrayList<>(harness.extractOutputValues());
        harness.getOutput().clear();
        return out;
    }

    @Test
    void shouldAnswerAFullBatchWithOneModelCall() throws Exception {
        open(3, 1_000);
        harness.processElement1(update("u1", 1, "a"));
        harness.processElement1(update("u2", 2, "b"));
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processElement1(update("u3", 3, "c"));

        List<Recommended> out = harness.extractOutputValues();
        assertThat(CALLS).containsExactly(3);
        assertThat(out)
                .extracting(r -> r.userId + ":" + r.itemIds[0])
                .containsExactly("u1:b", "u2:c", "u3:d");
        assertThat(out.get(0).modelVersion).isEqualTo("v1");
        assertThat(out.get(0).triggerEventId).isEqualTo("e-u11");
        assertThat(out.get(0).itemIds).hasSize(2);
    }

    @Test
    void shouldAnswerFromTheInferenceThreadThroughTheMailboxWhenOverlapping() throws Exception {
        openOverlapping(2);
        harness.processElement1(update("u1", 1, "a"));
        harness.processElement1(update("u2", 2, "b")); // full: the call runs on its own thread
        // its answers come back as a mail to the task thread, which runs it
        harness.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run();
        assertThat(harness.extractOutputValues())
                .extracting(r -> r.userId + ":" + r.itemIds[0])
                .containsExactly("u1:b", "u2:c");
        assertThat(CALLS).containsExactly(2);
    }

    @Test
    void shouldAnswerBatchesInArrivalOrderWhenAFullBatchWaitsForTheCallInFlight() throws Exception {
        openOverlapping(2);
        harness.processElement1(update("u1", 1, "a"));
        harness.processElement1(update("u2", 2, "b")); // in flight
        harness.processElement1(update("u3", 3, "c"));
        harness.processElement1(update("u4", 4, "d")); // waits for the first, then in flight
        harness.processElement1(update("u5", 5, "a")); // pending
        harness.endInput1(); // every answer out at the end of the input
        assertThat(harness.extractOutputValues())
                .extracting(r -> r.userId)
                .containsExactly("u1", "u2", "u3", "u4", "u5");
        assertThat(CALLS).containsExactly(2, 2, 1);
    }

    @Test
    @Timeout(60) // a barrier waiting for the held call would hang here
    void shouldPassABarrierWithACallInFlightAndAnswerItsRequestsAfterARestore() throws Exception {
        openOverlapping(2);
        CALL_PERMITS.drainPermits();
        harness.processElement1(update("u1", 1, "a"));
        harness.processElement1(update("u2", 2, "b")); // full: in flight, held
        harness.processElement1(update("u3", 3, "c")); // pending
        awaitCalls(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1); // does not wait for the call
        assertThat(harness.extractOutputValues()).isEmpty();
        // a failure: the held call's answers are never emitted
        CALL_PERMITS.release(UNLIMITED);
        harness.close();

        openOverlapping(2, 1_000, snapshot);
        harness.setProcessingTime(1); // the restored requests are due at once
        harness.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run(); // u1, u2 out
        harness.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run(); // u3 out
        assertThat(harness.extractOutputValues())
                .extracting(r -> r.userId + ":" + r.itemIds[0])
                .containsExactly("u1:b", "u2:c", "u3:d");
        assertThat(CALLS).containsExactly(2, 2, 1);
    }

    @Test
    void shouldFlushAPartialBatchAtTheDeadline() throws Exception {
        open(32, 10);
        harness.processElement1(update("u1", 1, "a"));
        harness.setProcessingTime(9);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.setProcessingTime(10);
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(CALLS).containsExactly(1);
    }

    @Test
    void shouldKeepPendingRequestsInTheSnapshotAndAnswerThemAfterARestore() throws Exception {
        open(32, 10_000);
        harness.processElement1(update("u1", 1, "a"));
        harness.processElement1(update("u2", 2, "b"));
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        assertThat(harness.extractOutputValues()).isEmpty(); // the barrier does not cut the batch
        harness.close();

        harness = newHarness(32, 10_000);
        harness.initializeState(snapshot);
        harness.open();
        assertThat(harness.extractOutputValues()).isEmpty(); // nothing emitted while opening
        harness.setProcessingTime(1); // due at once: they waited before the failure
        assertThat(harness.extractOutputValues())
                .extracting(r -> r.userId)
                .containsExactly("u1", "u2");
        assertThat(CALLS).containsExactly(2);
    }

    @Test
    void shouldHoldAWatermarkBackUntilTheAnswersBeforeItAreOut() throws Exception {
        open(32, 10);
        harness.processElement1(update("u1", 1, "a"));
        harness.processWatermark1(new Watermark(100));
        // the control stream's watermarks are ignored: it carries no event time
        harness.processWatermark2(new Watermark(50));
        harness.processElement1(update("u2", 2, "b")); // after the watermark
        harness.processWatermark1(new Watermark(200));
        // a watermark does not cut the batch short
        assertThat(harness.getOutput()).isEmpty();
        assertThat(CALLS).isEmpty();

        harness.setProcessingTime(10); // the deadline: one call answers both
        List<Object> output = new ArrayList<>(harness.getOutput());
        assertThat(CALLS).containsExactly(2);
        assertThat(output).hasSize(4);
        assertThat(output.get(0)).isInstanceOf(StreamRecord.class);
        assertThat(output.get(1)).isInstanceOf(StreamRecord.class);
        assertThat(output.subList(2, 4)).containsExactly(new Watermark(100), new Watermark(200));
    }

    @Test
    void shouldForwardAWatermarkAtOnceWhenEveryRequestIsAnswered() throws Exception {
        open(32, 10);
        harness.processWatermark1(new Watermark(100));
        harness.processElement1(update("u1", 1, "a"));
        harness.setProcessingTime(10);
        harness.processWatermark1(new Watermark(200));
        List<Object> output = new ArrayList<>(harness.getOutput());
        assertThat(output).hasSize(3);
        assertThat(output.get(0)).isEqualTo(new Watermark(100));
        assertThat(output.get(1)).isInstanceOf(StreamRecord.class);
        assertThat(output.get(2)).isEqualTo(new Watermark(200));
    }

    @Test
    @Timeout(60) // the task thread blocking on the call in flight would hang here
    void shouldGatherRequestsWhileACallRunsAndStartThemWhenItEnds() throws Exception {
        openOverlapping(32, 0); // deadline 0: work-conserving
        CALL_PERMITS.drainPermits();
        harness.processElement1(update("u1", 1, "a")); // the model is idle: starts at once
        harness.processElement1(update("u2", 2, "b")); // due, but a call is in flight
        harness.processElement1(update("u3", 3, "c"));
        awaitCalls(1);
        assertThat(harness.extractOutputValues()).isEmpty();

        CALL_PERMITS.release(2);
        harness.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run(); // u1 out, u2 + u3 start
        harness.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run(); // u2 and u3 out
        assertThat(CALLS).containsExactly(1, 2);
        assertThat(harness.extractOutputValues())
                .extracting(r -> r.userId)
                .containsExactly("u1", "u2", "u3");
    }

    @Test
    @Timeout(60)
    void shouldStartABatchWhoseDeadlinePassedDuringACallWhenTheCallEnds() throws Exception {
        openOverlapping(32, 10);
        CALL_PERMITS.drainPermits();
        harness.processElement1(update("u1", 1, "a"));
        harness.setProcessingTime(10); // u1's deadline: its call starts and is held
        awaitCalls(1);
        harness.processElement1(update("u2", 2, "b"));
        harness.setProcessingTime(20); // u2's deadline passes during the call
        assertThat(CALLS).containsExactly(1);

        CALL_PERMITS.release(2);
        harness.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run(); // u1 out, u2 starts
        harness.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run(); // u2 out
        assertThat(CALLS).containsExactly(1, 1);
        assertThat(harness.extractOutputValues())
                .extracting(r -> r.userId)
                .containsExactly("u1", "u2");
    }

    /** Waits until the inference thread has made {@code n} model calls. */
    private static void awaitCalls(int n) throws InterruptedException {
        while (CALLS.size() < n) {
            Thread.sleep(5);
        }
    }

    @Test
    void shouldFlushAtTheEndOfTheRequestInput() throws Exception {
        open(32, 10_000);
        harness.processElement1(update("u1", 1, "a"));
        harness.endInput2();
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.endInput1();
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @Test
    void shouldStopRecommendingABlockedItemAndResumeWhenActiveAgain() throws Exception {
        open(32, 10_000);
        harness.processElement2(new StreamRecord<>(ControlEvent.itemUpdate("b", false, 1)));
        harness.processElement1(update("u1", 1, "a"));
        assertThat(flushAndTake().get(0).itemIds).containsExactly("c", "a");
        harness.processElement2(new StreamRecord<>(ControlEvent.itemUpdate("b", true, 2)));
        harness.processElement1(update("u1", 2, "a"));
        assertThat(flushAndTake().get(0).itemIds).containsExactly("b", "c");
    }

    @Test
    void shouldHotSwapToAnAnnouncedModelAndCloseTheOldOne() throws Exception {
        open(32, 10_000);
        harness.processElement2(
                new StreamRecord<>(ControlEvent.modelUpdate(new ModelRef("v2", "v2", "ab"))));
        String served = awaitServedVersion("v2");
        assertThat(served).isEqualTo("v2");
        assertThat(CLOSED).containsExactly("v1");
    }

    @Test
    void shouldKeepServingWhenAnAnnouncedModelFailsToLoad() throws Exception {
        open(32, 10_000);
        harness.processElement2(
                new StreamRecord<>(
                        ControlEvent.modelUpdate(new ModelRef("broken", "broken", "cd"))));
        Thread.sleep(200); // let the background load fail
        harness.processElement1(update("u1", 1, "a"));
        assertThat(flushAndTake().get(0).modelVersion).isEqualTo("v1");
        assertThat(CLOSED).isEmpty();
    }

    @Test
    void shouldRestoreTheAnnouncedModelAndBlockedItemsFromState() throws Exception {
        open(32, 10_000);
        harness.processElement2(new StreamRecord<>(ControlEvent.itemUpdate("b", false, 1)));
        harness.processElement2(
                new StreamRecord<>(ControlEvent.modelUpdate(new ModelRef("v3", "v3", "ef"))));
        awaitServedVersion("v3");
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = newHarness(32, 10_000);
        harness.initializeState(snapshot);
        harness.open();
        harness.processElement1(update("u1", 5, "a"));
        Recommended restored = flushAndTake().get(0);
        assertThat(restored.modelVersion).isEqualTo("v3");
        assertThat(restored.itemIds).containsExactly("c", "a");
    }

    @Test
    void shouldDeadLetterAClickOnAnItemTheModelDoesNotKnow() throws Exception {
        open(32, 10_000);
        harness.processElement1(update("u1", 1, "a", "zzz"));
        assertThat(flushAndTake()).isEmpty();
        assertThat(harness.getSideOutput(InferenceBatcher.REJECTED))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getValue().errorKind).isEqualTo("UNKNOWN_ITEM");
                            assertThat(r.getValue().errorMessage).contains("zzz");
                        });
    }

    @Test
    void shouldDeadLetterAnItemRecordTheModelCannotUseAndIgnoreAnOlderOne() throws Exception {
        open(32, 10_000);
        ControlEvent unusable =
                ControlEvent.itemUpdate(
                        "brand-new", LiveItemCatalog.Status.ACTIVE, new float[] {1f}, null, 5);
        unusable.sourceTopic = "items";
        unusable.rawValue = new byte[] {1, 2};
        harness.processElement2(new StreamRecord<>(unusable));
        assertThat(harness.getSideOutput(InferenceBatcher.REJECTED))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getValue().errorKind).isEqualTo("VALIDATION");
                            assertThat(r.getValue().errorCode).isEqualTo("ITEM_FEATURES");
                            assertThat(r.getValue().errorMessage)
                                    .contains("brand-new")
                                    .contains("text has 1 values, reads 2");
                            assertThat(r.getValue().rawValue).containsExactly(1, 2);
                        });
        // a status change at time 2, then a stale one from time 1: the newer one stays
        harness.processElement2(new StreamRecord<>(ControlEvent.itemUpdate("b", false, 2)));
        harness.processElement2(new StreamRecord<>(ControlEvent.itemUpdate("b", true, 1)));
        harness.processElement1(update("u1", 1, "a"));
        assertThat(flushAndTake().get(0).itemIds).containsExactly("c", "a");
    }

    @Test
    void shouldRefuseAModelThatCannotServeTheLiveCatalogAndKeepServing() throws Exception {
        open(32, 10_000);
        harness.processElement2(
                new StreamRecord<>(
                        ControlEvent.itemUpdate(
                                "fresh", LiveItemCatalog.Status.ACTIVE, new float[2], null, 1)));
        assertThat(harness.getSideOutput(InferenceBatcher.REJECTED)).isNull();
        harness.processElement2(
                new StreamRecord<>(
                        ControlEvent.modelUpdate(new ModelRef("narrow", "narrow", "ab"))));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!CLOSED.contains("narrow") && System.nanoTime() < deadline) {
            harness.processElement1(update("probe", 1, "a"));
            assertThat(flushAndTake().get(0).modelVersion).isEqualTo("v1");
            Thread.sleep(20);
        }
        assertThat(CLOSED).containsExactly("narrow"); // refused and closed; v1 still serves
        harness.processElement2(
                new StreamRecord<>(ControlEvent.modelUpdate(new ModelRef("v2", "v2", "cd"))));
        assertThat(awaitServedVersion("v2")).isEqualTo("v2");
    }

    @Test
    void shouldCloseTheModelWhenTheOperatorCloses() throws Exception {
        open(4, 10);
        harness.close();
        harness = null;
        assertThat(CLOSED).containsExactly("v1");
    }

    /** Feeds requests until the background load finished and a batch is served by it. */
    private String awaitServedVersion(String version) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String served = null;
        while (System.nanoTime() < deadline) {
            harness.processElement1(update("probe", 1, "a"));
            served = flushAndTake().get(0).modelVersion;
            if (served.equals(version)) {
                return served;
            }
            Thread.sleep(20);
        }
        return served;
    }
}
