package dev.missrec.jobs.function;

import dev.missrec.jobs.event.CatalogItem;
import dev.missrec.jobs.event.Click;
import dev.missrec.jobs.event.ControlEvent;
import dev.missrec.jobs.event.ModelRef;
import dev.missrec.jobs.event.Recommended;
import dev.missrec.jobs.event.Rejection;
import dev.missrec.jobs.event.SequenceUpdate;
import dev.missrec.model.serve.BatchRecommender;
import dev.missrec.model.serve.ItemChange;
import dev.missrec.model.serve.Recommendations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Batches recommendation requests (input 1) across users within one subtask and answers each batch
 * with a single model call, flushing when the batch is full or its oldest request has waited the
 * deadline. Input 2 is the broadcast control stream: items-topic records (features and status of
 * new or changed items: the live catalog) and model updates.
 *
 * <p>Exactly-once without stalling at checkpoints: a barrier neither flushes the pending batch nor
 * waits for the call in flight. Like Flink's async I/O operator, the snapshot keeps every request
 * not yet answered (the call in flight and the pending ones), and a restore answers them first.
 * Their answers emitted after the barrier belong to the next checkpoint: after a failure they are
 * in an aborted transaction (exactly-once) or repeated (at-least-once). A watermark does not flush
 * either: it is held back until the answers to every request that arrived before it are out, so no
 * answer is late behind it. Flushing and waiting at every barrier and every watermark (200 ms by
 * default) stalled the task thread for up to two model calls each time; the requests queued
 * meanwhile came as bursts, and bursts made the slowest calls.
 *
 * <p>Overlap (optional, on in the job): the model call runs on an inference thread while the task
 * thread reads, validates and sequences the next requests; at most one call is in flight, its
 * answers are emitted on the task thread (through the mailbox as soon as it ends, or by an item
 * update, which waits for it). While a call runs, requests gather without blocking the task thread;
 * a batch that became due meanwhile (its deadline passed) is started as soon as the call ends, and
 * only a full batch waits for it. So a deadline of 0 gives work-conserving batching: a request is
 * answered alone when the model is idle, and requests that arrive during a call form the next
 * batch. Only {@code recommend} and {@code knows} ever run at the same time; item updates and model
 * swaps wait for the call in flight. Without overlap the task thread makes the call itself.
 *
 * <p>Hot swap: a model update is loaded and verified on a background thread while the current model
 * keeps serving; the task thread switches between two batches, then closes the old model — no batch
 * is ever in flight on a closed model. A model that fails to load or verify is logged and counted,
 * and the current one stays. The latest requested version and every catalog item are kept in
 * operator state, so a restore serves the same version and the same blocked items.
 */
public class InferenceBatcher extends AbstractStreamOperator<Recommended>
        implements TwoInputStreamOperator<SequenceUpdate, ControlEvent, Recommended>,
                BoundedMultiInput {

    /** Clicks on items the model does not know and unusable item records, to the dead letters. */
    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("inference-rejected") {};

    private static final MapStateDescriptor<String, CatalogItem> ITEM_CATALOG =
            new MapStateDescriptor<>(
                    "item-catalog", Types.STRING, TypeInformation.of(CatalogItem.class));
    private static final ListStateDescriptor<ModelRef> MODEL_STATE =
            new ListStateDescriptor<>("requested-model", TypeInformation.of(ModelRef.class));
    private static final ListStateDescriptor<SequenceUpdate> UNANSWERED_STATE =
            new ListStateDescriptor<>(
                    "unanswered-requests", TypeInformation.of(SequenceUpdate.class));

    private final RecommenderFactory factory;
    private final int batchSize;
    private final long maxDelayMillis;
    private final int k;
    private final boolean overlap;

    private transient BatchRecommender recommender;
    private transient ModelRef activeModel;
    private transient ModelRef requestedModel;
    private transient Future<BatchRecommender> pendingSwap;

    /** Loads overtaken by a newer update; their models are closed once they finish loading. */
    private transient List<Future<BatchRecommender>> superseded;

    private transient ExecutorService loader;
    private transient ExecutorService inference;
    private transient MailboxExecutor mailbox;
    private transient InFlight inFlight;
    private transient BroadcastState<String, CatalogItem> itemCatalog;
    private transient ListState<ModelRef> modelState;
    private transient ListState<SequenceUpdate> unansweredState;

    /** Requests restored from a snapshot, answered first once the operator is open. */
    private transient List<SequenceUpdate> restoredRequests;

    private transient List<SequenceUpdate> pending;
    private transient boolean timerPending;

    /** Processing time at which the oldest pending request arrived. */
    private transient long pendingSince;

    /** Requests taken into a batch, and those answered: answers go out in arrival order. */
    private transient long requestsTaken;

    private transient long requestsAnswered;

    /** Watermarks waiting for the answers to the requests that arrived before them. */
    private transient java.util.ArrayDeque<HeldWatermark> heldWatermarks;

    private transient Counter recommendationsOut;
    private transient Counter unknownItems;
    private transient Counter modelSwaps;
    private transient Counter modelUpdatesRejected;
    private transient Counter itemUpdatesNotInModel;
    private transient Counter itemUpdatesRejected;
    private transient Counter itemUpdatesStale;
    private transient volatile int catalogSize;
    private transient Counter unknownTriggerItems;
    private transient Histogram batchSizes;
    private transient Histogram inferenceMicros;
    private transient Histogram endToEndMillis;

    /**
     * @param batchSize flush when this many requests are pending
     * @param maxDelayMillis flush when the oldest pending request has waited this long
     * @param k items per recommendation
     */
    public InferenceBatcher(RecommenderFactory factory, int batchSize, long maxDelayMillis, int k) {
        this(factory, batchSize, maxDelayMillis, k, false);
    }

    /**
     * @param overlap run the model call on an inference thread while the next batch gathers
     */
    public InferenceBatcher(
            RecommenderFactory factory,
            int batchSize,
            long maxDelayMillis,
            int k,
            boolean overlap) {
        if (batchSize < 1 || maxDelayMillis < 0 || k < 1) {
            throw new IllegalArgumentException(
                    "batchSize and k must be positive and maxDelayMillis not negative");
        }
        this.factory = factory;
        this.batchSize = batchSize;
        this.maxDelayMillis = maxDelayMillis;
        this.k = k;
        this.overlap = overlap;
    }

    private static ExecutorService daemonThread(String name) {
        return Executors.newSingleThreadExecutor(
                r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
    }

    /** A watermark to forward once {@code answeredBefore} requests have been answered. */
    private record HeldWatermark(long answeredBefore, Watermark mark) {}

    /** A batch whose model call runs on the inference thread. */
    private static final class InFlight {
        final List<SequenceUpdate> batch;
        final long startNanos;
        volatile long endNanos;
        Future<List<Recommendations>> results;

        InFlight(List<SequenceUpdate> batch, long startNanos) {
            this.batch = batch;
            this.startNanos = startNanos;
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        itemCatalog = context.getOperatorStateStore().getBroadcastState(ITEM_CATALOG);
        // union: every subtask sees every subtask's entry after a rescale; they are all equal
        modelState = context.getOperatorStateStore().getUnionListState(MODEL_STATE);
        for (ModelRef ref : modelState.get()) {
            requestedModel = ref;
        }
        // split: after a rescale each subtask answers a share; the request carries its history
        unansweredState = context.getOperatorStateStore().getListState(UNANSWERED_STATE);
        restoredRequests = new ArrayList<>();
        for (SequenceUpdate u : unansweredState.get()) {
            restoredRequests.add(u);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        pending = new ArrayList<>(batchSize);
        heldWatermarks = new java.util.ArrayDeque<>();
        superseded = new ArrayList<>();
        loader = daemonThread("model-loader-" + getOperatorID());
        if (overlap) {
            inference = daemonThread("inference-" + getOperatorID());
            mailbox =
                    getContainingTask()
                            .getMailboxExecutorFactory()
                            .createExecutor(getOperatorConfig().getChainIndex());
        }
        var metrics = getMetricGroup();
        recommendationsOut = metrics.counter("recommendationsOut");
        unknownItems = metrics.counter("unknownHistoryItems");
        modelSwaps = metrics.counter("modelSwaps");
        modelUpdatesRejected = metrics.counter("modelUpdatesRejected");
        itemUpdatesNotInModel = metrics.counter("itemUpdatesNotInModel");
        itemUpdatesRejected = metrics.counter("itemUpdatesRejected");
        itemUpdatesStale = metrics.counter("itemUpdatesStale");
        metrics.gauge("catalogSize", () -> catalogSize);
        unknownTriggerItems = metrics.counter("unknownTriggerItems");
        batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        inferenceMicros =
                metrics.histogram(
                        "inferenceLatencyMicros", new DescriptiveStatisticsHistogram(1000));
        endToEndMillis =
                metrics.histogram(
                        "endToEndLatencyMillis", new DescriptiveStatisticsHistogram(1000));
        metrics.gauge(
                "activeModelVersion", () -> recommender == null ? "" : recommender.modelVersion());

        if (requestedModel != null) {
            try {
                recommender = factory.create(requestedModel);
                activeModel = requestedModel;
                LOG.info("Restored model {}", requestedModel);
            } catch (Exception e) {
                LOG.error(
                        "Cannot restore model {}; starting with the default model",
                        requestedModel,
                        e);
                requestedModel = null;
            }
        }
        if (recommender == null) {
            recommender = factory.create();
        }
        applyCatalog(recommender);
        catalogSize = recommender.catalogSize();
        if (!restoredRequests.isEmpty()) {
            // answered from the mailbox, as new requests are, not while the task is still opening
            long now = getProcessingTimeService().getCurrentProcessingTime();
            pending.addAll(restoredRequests);
            requestsTaken += restoredRequests.size();
            pendingSince = now - maxDelayMillis; // due at once: they have waited already
            timerPending = true;
            getProcessingTimeService().registerTimer(now, time -> onDeadline());
            LOG.info("Answering {} requests restored from a snapshot", restoredRequests.size());
        }
        restoredRequests = null;
    }

    @Override
    public void processElement1(StreamRecord<SequenceUpdate> element) throws Exception {
        Click trigger = element.getValue().trigger;
        if (!recommender.knows(trigger.itemId)) {
            // neither in the model nor announced on the items topic: the click is unusable
            unknownTriggerItems.inc();
            output.collect(
                    REJECTED, new StreamRecord<>(unknownItem(trigger), element.getTimestamp()));
            return;
        }
        if (pending.isEmpty()) {
            pendingSince = getProcessingTimeService().getCurrentProcessingTime();
        }
        pending.add(element.getValue());
        requestsTaken++;
        flushIfDue();
    }

    /**
     * Starts the pending batch if it is full (waiting for the call in flight, if any) or its oldest
     * request has waited the deadline and no call is in flight; otherwise makes sure a timer looks
     * again at the deadline. With a call in flight, its end looks again.
     */
    private void flushIfDue() {
        while (pending.size() >= batchSize) { // more than one batch only after a restore
            flush();
        }
        if (pending.isEmpty() || inFlight != null) {
            return;
        }
        long due = pendingSince + maxDelayMillis;
        if (getProcessingTimeService().getCurrentProcessingTime() >= due) {
            flush();
        } else if (!timerPending) {
            // a timer set for an earlier batch fires no later than this one's deadline and looks
            // again; pendingSince only moves forward
            timerPending = true;
            getProcessingTimeService().registerTimer(due, time -> onDeadline());
        }
    }

    @Override
    public void processElement2(StreamRecord<ControlEvent> element) throws Exception {
        ControlEvent event = element.getValue();
        if (event.kind == ControlEvent.Kind.ITEM_UPDATE) {
            updateItem(event, element.getTimestamp());
        } else if (event.kind == ControlEvent.Kind.MODEL_UPDATE) {
            requestModel(event.model);
        }
    }

    /**
     * Applies an items-topic record to the state and the serving model. A record older than the one
     * held is ignored; one the model cannot use (wrong feature size, non-finite values, an unknown
     * item without features) goes to the dead-letter topic once (from subtask 0: every subtask sees
     * every broadcast record) and leaves the catalog unchanged.
     */
    private void updateItem(ControlEvent event, long timestamp) throws Exception {
        completeInFlight(); // the recommender changes: no call may be running on it
        CatalogItem held = itemCatalog.get(event.itemId);
        if (held != null && held.updateTime > event.updateTime) {
            itemUpdatesStale.inc();
            return;
        }
        ItemChange change =
                recommender.updateItem(
                        event.itemId,
                        event.textEmbedding,
                        event.imageEmbedding,
                        event.status,
                        event.updateTime);
        if (!change.accepted()) {
            itemUpdatesRejected.inc();
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                Rejection r =
                        Rejection.of(
                                event.sourceTopic,
                                event.sourcePartition,
                                event.sourceOffset,
                                event.itemId.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                event.rawValue,
                                "VALIDATION",
                                "ITEM_FEATURES",
                                change.reason(),
                                getClass().getSimpleName());
                output.collect(REJECTED, new StreamRecord<>(r, timestamp));
            }
            return;
        }
        CatalogItem next = CatalogItem.of(event);
        if (!next.hasFeatures() && held != null) {
            // a status change keeps the features the item was announced with
            next.textEmbedding = held.textEmbedding;
            next.imageEmbedding = held.imageEmbedding;
        }
        itemCatalog.put(event.itemId, next);
        // the catalog-size gauge follows at the next batch: asking now would make the engine
        // rebuild its item tables once per record instead of once per batch
    }

    private void requestModel(ModelRef ref) {
        if (ref.equals(requestedModel) || ref.equals(activeModel)) {
            return; // the same announcement again (e.g. replayed after a restore)
        }
        if (pendingSwap != null) {
            superseded.add(pendingSwap); // a newer version supersedes the one still loading
        }
        requestedModel = ref;
        // broadcast state is read on the task thread; the copy goes with the load
        Map<String, CatalogItem> catalog = copyCatalog();
        pendingSwap = loader.submit(() -> prepare(factory.create(ref), catalog));
    }

    /**
     * Gives a freshly loaded model the live catalog, off the task thread, so that its item tables
     * are built before the switch. A model that cannot serve every catalog item (another feature
     * size, or a kind that cannot score items from features) is refused: swapping it in would
     * silently drop items the current model recommends.
     */
    private static BatchRecommender prepare(
            BatchRecommender next, Map<String, CatalogItem> catalog) {
        try {
            List<String> refused = apply(next, catalog);
            if (!refused.isEmpty()) {
                throw new IllegalStateException(
                        "model "
                                + next.modelVersion()
                                + " cannot serve "
                                + refused.size()
                                + " item(s) of the live catalog, e.g. "
                                + refused.get(0));
            }
            next.catalogSize(); // builds the item tables now
            return next;
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
    }

    private Map<String, CatalogItem> copyCatalog() {
        Map<String, CatalogItem> copy = new java.util.HashMap<>();
        try {
            for (Map.Entry<String, CatalogItem> e : itemCatalog.entries()) {
                copy.put(e.getKey(), e.getValue());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the item catalog state", e);
        }
        return copy;
    }

    /** Applies every catalog item to {@code target}; returns the reasons of those it refused. */
    private static List<String> apply(BatchRecommender target, Map<String, CatalogItem> catalog) {
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, CatalogItem> e : catalog.entrySet()) {
            CatalogItem item = e.getValue();
            ItemChange change =
                    target.updateItem(
                            e.getKey(),
                            item.textEmbedding,
                            item.imageEmbedding,
                            item.status,
                            item.updateTime);
            if (!change.accepted()) {
                refused.add(change.reason());
            }
        }
        return refused;
    }

    /** Switches to a loaded model between batches; keeps the current one if loading failed. */
    private void maybeSwap() {
        closeFinished(superseded, false);
        if (pendingSwap == null || !pendingSwap.isDone()) {
            return;
        }
        Future<BatchRecommender> done = pendingSwap;
        pendingSwap = null;
        BatchRecommender next;
        try {
            next = done.get();
        } catch (ExecutionException e) {
            modelUpdatesRejected.inc();
            LOG.error(
                    "Rejected model update {}: {}; still serving {}",
                    requestedModel,
                    e.getCause().getMessage(),
                    recommender.modelVersion(),
                    e.getCause());
            requestedModel = activeModel;
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        // records that arrived while it loaded (those it already has are no-ops)
        List<String> refused = apply(next, copyCatalog());
        if (!refused.isEmpty()) {
            modelUpdatesRejected.inc();
            LOG.error(
                    "Rejected model update {}: it cannot serve {} catalog item(s), e.g. {}; still"
                            + " serving {}",
                    requestedModel,
                    refused.size(),
                    refused.get(0),
                    recommender.modelVersion());
            requestedModel = activeModel;
            next.close();
            return;
        }
        BatchRecommender old = recommender;
        recommender = next;
        activeModel = requestedModel;
        modelSwaps.inc();
        catalogSize = next.catalogSize();
        LOG.info("Swapped model {} -> {}", old.modelVersion(), next.modelVersion());
        old.close(); // safe: the task thread is the only user, and no batch is running
    }

    /**
     * Gives the model served at start (or restored) every item of the live catalog; items it cannot
     * use are logged and counted, as there is no other model to fall back on.
     */
    private void applyCatalog(BatchRecommender target) {
        List<String> refused = apply(target, copyCatalog());
        itemUpdatesNotInModel.inc(refused.size());
        for (String reason : refused) {
            LOG.warn("Model {} cannot serve a catalog item: {}", target.modelVersion(), reason);
        }
    }

    private Rejection unknownItem(Click click) {
        return Rejection.of(
                click.sourceTopic,
                click.sourcePartition,
                click.sourceOffset,
                click.userId.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                click.rawValue,
                "UNKNOWN_ITEM",
                null,
                "item "
                        + click.itemId
                        + " is unknown to model "
                        + recommender.modelVersion()
                        + " and was never announced on the items topic",
                getClass().getSimpleName());
    }

    private void onDeadline() {
        timerPending = false;
        flushIfDue();
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        if (requestsAnswered == requestsTaken) {
            output.emitWatermark(mark);
        } else {
            heldWatermarks.addLast(new HeldWatermark(requestsTaken, mark));
        }
    }

    /** Forwards the held watermarks whose earlier requests have all been answered. */
    private void releaseWatermarks() {
        while (!heldWatermarks.isEmpty()
                && heldWatermarks.peekFirst().answeredBefore() <= requestsAnswered) {
            output.emitWatermark(heldWatermarks.pollFirst().mark());
        }
    }

    /** The control stream carries no event time: its watermarks must not hold back the output. */
    @Override
    public void processWatermark2(Watermark mark) {}

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        modelState.clear();
        if (requestedModel != null) {
            modelState.add(requestedModel);
        }
        // the barrier has gone downstream: whatever is not answered yet is answered after it
        List<SequenceUpdate> unanswered = new ArrayList<>();
        if (inFlight != null) {
            unanswered.addAll(inFlight.batch);
        }
        unanswered.addAll(pending);
        unansweredState.update(unanswered);
    }

    @Override
    public void endInput(int inputId) {
        if (inputId == 1) {
            while (!pending.isEmpty()) {
                flush();
            }
            completeInFlight();
        }
    }

    private void flush() {
        completeInFlight();
        maybeSwap();
        if (pending.isEmpty()) {
            return;
        }
        List<SequenceUpdate> batch;
        if (pending.size() <= batchSize) {
            batch = pending;
            pending = new ArrayList<>(batchSize);
        } else {
            // only after a restore: the rest follows in the next batches, still due
            batch = new ArrayList<>(pending.subList(0, batchSize));
            pending.subList(0, batchSize).clear();
        }
        List<String[]> histories = new ArrayList<>(batch.size());
        for (SequenceUpdate u : batch) {
            histories.add(u.itemIds);
        }
        BatchRecommender model = recommender;
        long start = System.nanoTime();
        if (!overlap) {
            List<Recommendations> results = model.recommend(histories, k);
            emit(batch, results, (System.nanoTime() - start) / 1_000);
            return;
        }
        InFlight call = new InFlight(batch, start);
        call.results =
                inference.submit(
                        () -> {
                            try {
                                return model.recommend(histories, k);
                            } finally {
                                call.endNanos = System.nanoTime();
                                emitWhenDone(call);
                            }
                        });
        inFlight = call;
    }

    /** Asks the task thread to emit {@code call}'s answers, unless something else did first. */
    private void emitWhenDone(InFlight call) {
        try {
            mailbox.execute(
                    () -> {
                        if (inFlight == call) {
                            completeInFlight();
                        }
                        // what gathered during the call may be due now (also when an item update
                        // emitted the answers first)
                        flushIfDue();
                    },
                    "emit recommendations");
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the task is ending; close() or endInput() waits for the call instead
        }
    }

    /** Waits for the call in flight, if any, and emits its answers on the task thread. */
    private void completeInFlight() {
        InFlight call = inFlight;
        if (call == null) {
            return;
        }
        inFlight = null;
        List<Recommendations> results;
        try {
            results = call.results.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the model call ran", e);
        } catch (ExecutionException e) {
            // as without overlap: a failing model call fails the task, which restarts and replays
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re
                    ? re
                    : new IllegalStateException("the model call failed", cause);
        }
        emit(call.batch, results, (call.endNanos - call.startNanos) / 1_000);
    }

    private void emit(List<SequenceUpdate> batch, List<Recommendations> results, long micros) {
        batchSizes.update(batch.size());
        inferenceMicros.update(micros);
        long now = System.currentTimeMillis();
        for (int i = 0; i < batch.size(); i++) {
            SequenceUpdate u = batch.get(i);
            Recommendations r = results.get(i);
            Recommended out = new Recommended();
            out.userId = u.userId;
            out.itemIds = r.itemIds();
            out.scores = r.scores();
            out.modelVersion = r.modelVersion();
            out.triggerEventId = u.trigger.eventId;
            out.triggerEventTime = u.trigger.eventTime;
            out.ingestTime = u.trigger.ingestTime;
            out.producedTime = now;
            out.inferenceMicros = micros;
            out.unknownItems = r.unknownItems();
            unknownItems.inc(r.unknownItems());
            endToEndMillis.update(now - u.trigger.ingestTime);
            output.collect(new StreamRecord<>(out, u.trigger.eventTime));
        }
        recommendationsOut.inc(batch.size());
        requestsAnswered += batch.size();
        catalogSize = recommender.catalogSize();
        releaseWatermarks();
    }

    /** Closes the models of finished loads (all of them, waiting, when {@code wait}). */
    private static void closeFinished(List<Future<BatchRecommender>> loads, boolean wait) {
        for (var it = loads.iterator(); it.hasNext(); ) {
            Future<BatchRecommender> f = it.next();
            if (wait || f.isDone()) {
                it.remove();
                try {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS).close();
                } catch (Exception ignored) {
                    // it failed to load (already logged by nobody: it was superseded) or timed out
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (inference != null) {
                // a native call must not be interrupted: let it end before its model is closed
                inference.shutdown();
                if (!inference.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES)) {
                    LOG.error("A model call still runs after 5 minutes; closing anyway");
                }
            }
            if (loader != null) {
                // let running loads finish (interrupting a native load is unsafe), then close them
                loader.shutdown();
                if (pendingSwap != null) {
                    superseded.add(pendingSwap);
                    pendingSwap = null;
                }
                closeFinished(superseded, true);
            }
            if (recommender != null) {
                recommender.close();
            }
        } finally {
            super.close();
        }
    }
}
