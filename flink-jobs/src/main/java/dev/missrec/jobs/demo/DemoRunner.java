package dev.missrec.jobs.demo;

import dev.missrec.jobs.event.ModelRef;
import dev.missrec.jobs.feed.Pacer;
import dev.missrec.jobs.feed.TopicWriter;
import dev.missrec.jobs.function.RegistryRecommenderFactory;
import dev.missrec.jobs.job.RecommendJob;
import dev.missrec.jobs.job.RecommendJobOptions;
import dev.missrec.jobs.kafka.LocalKafkaBroker;
import dev.missrec.jobs.kafka.Topics;
import dev.missrec.model.serve.BatchRecommender;
import dev.missrec.model.serve.LiveItemCatalog;
import dev.missrec.model.serve.RegisteredModel;
import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.ModelUpdate;
import dev.missrec.schemas.Recommendation;
import dev.missrec.schemas.ScoredItem;
import dev.missrec.schemas.serde.Serdes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The embedded demo, end to end: a local Kafka broker (its own process), a model trained or reused
 * from the local registry, RecommendJob on a local Flink MiniCluster with RocksDB, the click stream
 * replayed through Kafka; midway a few brand-new items appear on the items topic and a second model
 * version is announced; a live view while it runs and a summary at the end. Every step is timed.
 * {@link #stop} (Ctrl-C) tears everything down.
 */
public final class DemoRunner {
    /** Where the data comes from. */
    public enum Source {
        SYNTHETIC,
        DATASET,
        MOVIELENS
    }

    /**
     * @param path the dataset or MovieLens directory (null for synthetic)
     * @param workDir broker, registry, checkpoints and caches
     * @param events clicks to replay (0: the whole stream)
     * @param rate clicks per second (0: as fast as possible)
     * @param newItems items held out of training and announced midway
     * @param live print the live view
     * @param keepBroker leave the broker running at the end (to inspect the topics)
     */
    public record Settings(
            Source source,
            Path path,
            Path workDir,
            int events,
            double rate,
            int newItems,
            String preset,
            int epochs,
            int kafkaPort,
            int parallelism,
            boolean live,
            boolean keepBroker) {}

    private final Settings settings;
    private final PrintWriter out;
    private final Map<String, Double> stepSeconds = new LinkedHashMap<>();
    private volatile JobClient job;
    private volatile LocalKafkaBroker broker;
    private volatile RecommendationTracker tracker;

    public DemoRunner(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /** Runs the demo to the end of the stream and returns its summary. */
    public DemoSummary run() throws Exception {
        long t0 = System.nanoTime();
        try {
            return runSteps();
        } finally {
            stop();
            stepSeconds.put("total", (System.nanoTime() - t0) / 1e9);
        }
    }

    private DemoSummary runSteps() throws Exception {
        Path work = settings.workDir().toAbsolutePath();
        Files.createDirectories(work);
        long t = System.nanoTime();
        say("loading the data");
        DemoData data =
                switch (settings.source()) {
                    case SYNTHETIC ->
                            DemoData.synthetic(
                                    400, 240, settings.newItems(), settings.events(), 42);
                    case DATASET ->
                            DemoData.recBole(
                                    settings.path(), settings.newItems(), settings.events());
                    case MOVIELENS ->
                            DemoData.movieLens(
                                    settings.path(),
                                    settings.newItems(),
                                    settings.events(),
                                    work.resolve("text-cache"));
                };
        List<ClickEvent> clicks = data.clicks();
        say(
                String.format(
                        Locale.ROOT,
                        "%s: %,d items (%,d held back as new items), %,d clicks to replay",
                        data.name(),
                        data.knownItems().size() + data.newItems().size(),
                        data.newItems().size(),
                        clicks.size()));
        step("load data", t);

        t = System.nanoTime();
        broker = new LocalKafkaBroker(work.resolve("kafka"));
        if (broker.runningProcess().isPresent()) {
            broker.stop(Duration.ofSeconds(30)); // left over from an interrupted demo
        }
        deleteRecursively(work.resolve("kafka").resolve("data"));
        String bootstrap = broker.start(settings.kafkaPort(), 512, Duration.ofSeconds(90));
        Topics.createProductTopics(bootstrap, 2);
        say("Kafka broker running at " + bootstrap + " (log " + broker.logFile() + ")");
        step("start Kafka", t);

        t = System.nanoTime();
        List<RegisteredModel> models =
                DemoModels.ensure(
                        work.resolve("registry"),
                        data.training(),
                        settings.preset(),
                        settings.epochs(),
                        work.resolve("scratch"),
                        settings.live(),
                        out);
        RegisteredModel first = models.get(0);
        RegisteredModel second = models.get(1);
        step("train or reuse models", t);

        t = System.nanoTime();
        String run = "missrec-demo-" + System.currentTimeMillis();
        Map<String, String> jobOptions = new LinkedHashMap<>();
        jobOptions.put("bootstrap.servers", bootstrap);
        jobOptions.put("group.id", run);
        jobOptions.put("transactional-id-prefix", run);
        jobOptions.put("k", "10");
        jobOptions.put("checkpoint.interval", "1s");
        jobOptions.put("transaction.timeout", "5min");
        RecommendJobOptions options = RecommendJobOptions.fromMap(jobOptions);
        RegistryRecommenderFactory factory =
                new RegistryRecommenderFactory(
                        work.resolve("registry").toString(), first.version(), null, true, "cpu");
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                work.resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(settings.parallelism(), conf);
        env.enableCheckpointing(options.checkpointInterval().toMillis());
        RecommendJob.onKafka(options, factory).addTo(env);
        job = env.executeAsync("missrec-demo");
        awaitRunning(job, Duration.ofSeconds(120));
        tracker =
                new RecommendationTracker(
                        bootstrap,
                        options.recommendationsTopic(),
                        options.deadLetterTopic(),
                        data.newItemIds());
        say(
                "RecommendJob running on a local Flink MiniCluster (RocksDB), serving "
                        + first.version());
        step("start the job", t);

        t = System.nanoTime();
        long sent;
        Set<String> fresh = data.newItemIds();
        Map<String, String> texts = data.displayTexts();
        long streamStart = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            TopicWriter writer = new TopicWriter(producer);
            for (ItemFeatures item : data.knownItems()) {
                writer.send(
                        options.itemsTopic(),
                        item.getItemId(),
                        Serdes.itemFeatures().serialize(item));
            }
            writer.flush();
            // the first click goes alone: the stream starts once the job answers it, so the
            // numbers measure a serving job, not its start-up (model loading, state backend)
            int probe = 0;
            while (probe < clicks.size() && fresh.contains(clicks.get(probe).getItemId())) {
                probe++;
            }
            if (probe < clicks.size()) {
                ClickEvent first0 = clicks.get(probe);
                writer.send(
                        options.clicksTopic(),
                        first0.getUserId(),
                        Serdes.clickEvent().serialize(first0));
                writer.flush();
                awaitAll(1, Duration.ofSeconds(120), false);
                say("the job answered its first click; replaying the stream");
            }
            // the new version is announced at a third, the new items at half of the stream, so
            // both are visible well before the end
            int swapAt = clicks.size() / 3;
            int midpoint = clicks.size() / 2;
            Pacer pacer = Pacer.system(settings.rate());
            long nextView = System.nanoTime();
            sent = probe < clicks.size() ? 1 : 0;
            for (int i = 0; i < clicks.size(); i++) {
                if (i == probe) {
                    continue; // already sent
                }
                if (i == swapAt) {
                    announce(writer, options.modelUpdatesTopic(), second);
                    writer.flush();
                    say("model " + second.version() + " announced: hot swap in every subtask");
                }
                if (i == midpoint) {
                    writer.flush();
                    announceNewItems(writer, options.itemsTopic(), data.newItems());
                    writer.flush();
                    say(
                            data.newItems().size()
                                    + " brand-new items on the items topic (never seen in"
                                    + " training); their clicks start now");
                    Thread.sleep(1_000); // let the catalog update reach every subtask first
                }
                ClickEvent click = clicks.get(i);
                if (i < midpoint && fresh.contains(click.getItemId())) {
                    continue; // a new item has no clicks before it exists
                }
                pacer.awaitNext();
                writer.send(
                        options.clicksTopic(),
                        click.getUserId(),
                        Serdes.clickEvent().serialize(click));
                sent++;
                if (settings.live() && System.nanoTime() >= nextView) {
                    view(sent, streamStart, texts, fresh);
                    nextView = System.nanoTime() + 2_000_000_000L;
                }
            }
            writer.flush();
        }
        step("stream clicks", t);

        t = System.nanoTime();
        RecommendationTracker.Snapshot s = awaitAll(sent, Duration.ofSeconds(90), true);
        if (settings.live()) {
            view(sent, streamStart, texts, fresh);
        }
        step("drain", t);

        int catalog = catalogSize(factory, second, data);
        return new DemoSummary(
                data.name(),
                sent,
                s.recommendations(),
                s.deadLetters(),
                s.p50Millis(),
                s.p99Millis(),
                s.modelVersions(),
                catalog,
                s.newItemsRecommended().size(),
                s.withNewItems(),
                s.duplicates(),
                s.deadLettersByKind(),
                data.newItems().stream().map(ItemFeatures::getItemId).toList(),
                stepSeconds,
                s.latestWithNewItem() == null
                        ? null
                        : describe(s.latestWithNewItem(), texts, fresh));
    }

    /** Waits until every click is answered: a recommendation or a dead letter for each one. */
    private RecommendationTracker.Snapshot awaitAll(long clicks, Duration timeout, boolean last)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RecommendationTracker.Snapshot s = tracker.snapshot();
        while (s.recommendations() + s.deadLetters() < clicks && System.nanoTime() < deadline) {
            Thread.sleep(200);
            s = tracker.snapshot();
        }
        if (s.recommendations() + s.deadLetters() < clicks) {
            say(
                    String.format(
                            Locale.ROOT,
                            "warning: %,d of %,d clicks answered after %s",
                            s.recommendations() + s.deadLetters(),
                            clicks,
                            timeout));
        }
        if (last) {
            // a little longer: anything beyond one answer per click would be a duplicate
            Thread.sleep(1_500);
        }
        return tracker.snapshot();
    }

    /**
     * The catalog size the serving model reports with the demo's catalog: a replica of the last
     * version given the same items-topic records as the job.
     */
    private static int catalogSize(
            RegistryRecommenderFactory factory, RegisteredModel model, DemoData data)
            throws Exception {
        try (BatchRecommender r =
                factory.create(
                        new ModelRef(model.version(), model.version(), model.manifestSha256()))) {
            List<ItemFeatures> all = new ArrayList<>(data.knownItems());
            all.addAll(data.newItems());
            for (ItemFeatures i : all) {
                r.updateItem(
                        i.getItemId(),
                        floats(i.getTextEmbedding()),
                        floats(i.getImageEmbedding()),
                        LiveItemCatalog.Status.ACTIVE,
                        i.getUpdateTime().toEpochMilli());
            }
            return r.catalogSize();
        }
    }

    private static float[] floats(List<Float> v) {
        if (v == null) {
            return null;
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private void announceNewItems(TopicWriter writer, String topic, List<ItemFeatures> items) {
        Instant now = Instant.now();
        for (ItemFeatures item : items) {
            ItemFeatures fresh = ItemFeatures.newBuilder(item).setUpdateTime(now).build();
            writer.send(topic, fresh.getItemId(), Serdes.itemFeatures().serialize(fresh));
        }
    }

    private static void announce(TopicWriter writer, String topic, RegisteredModel model) {
        ModelUpdate update =
                ModelUpdate.newBuilder()
                        .setModelVersion(model.version())
                        .setRegistryLocation(model.version())
                        .setManifestSha256(model.manifestSha256())
                        .setMetrics(Map.of())
                        .setCreatedTime(Instant.now())
                        .build();
        writer.send(topic, model.version(), Serdes.modelUpdate().serialize(update));
    }

    private void view(long sent, long start, Map<String, String> texts, Set<String> fresh) {
        RecommendationTracker.Snapshot s = tracker.snapshot();
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(
                Locale.ROOT,
                "%6.1fs | clicks %,d (%.0f/s) | recommendations %,d | dead letters %,d |"
                        + " latency p50 %d ms p99 %d ms | model %s | new items recommended %d%n",
                seconds,
                sent,
                sent / Math.max(seconds, 1e-9),
                s.recommendations(),
                s.deadLetters(),
                s.p50Millis(),
                s.p99Millis(),
                s.modelVersions().isEmpty()
                        ? "-"
                        : s.modelVersions().get(s.modelVersions().size() - 1),
                s.newItemsRecommended().size());
        for (Recommendation r : s.recent()) {
            out.println("         " + describe(r, texts, fresh));
        }
        if (s.latestWithNewItem() != null) {
            out.println("   NEW → " + describe(s.latestWithNewItem(), texts, fresh));
        }
        out.flush();
    }

    private static String describe(Recommendation r, Map<String, String> texts, Set<String> fresh) {
        StringBuilder b = new StringBuilder();
        b.append(r.getUserId()).append(" [").append(r.getModelVersion()).append("]:");
        // the first five, and any new item further down with its rank
        List<ScoredItem> items = r.getItems();
        for (int rank = 1; rank <= items.size(); rank++) {
            ScoredItem i = items.get(rank - 1);
            boolean isNew = fresh.contains(i.getItemId());
            if (rank > 5 && !isNew) {
                continue;
            }
            String text = texts.getOrDefault(i.getItemId(), i.getItemId());
            if (text.length() > 28) {
                text = text.substring(0, 27) + "…";
            }
            b.append(rank > 5 ? "  … #" + rank : "").append(isNew ? "  *NEW* " : "  ").append(text);
        }
        return b.toString();
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                Topics.MAX_IN_FLIGHT_FOR_NEW_TOPICS);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static void awaitRunning(JobClient job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JobStatus status = job.getJobStatus().get();
            if (status == JobStatus.RUNNING) {
                return;
            }
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("the job ended before it ran: " + status);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the job did not start within " + timeout);
    }

    private void step(String name, long startNanos) {
        double s = (System.nanoTime() - startNanos) / 1e9;
        stepSeconds.put(name, s);
        say(String.format(Locale.ROOT, "  (%s: %.1f s)", name, s));
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    /** Stops the job, the reader and the broker; safe to call twice and from a shutdown hook. */
    public void stop() {
        RecommendationTracker r = tracker;
        tracker = null;
        if (r != null) {
            r.close();
        }
        JobClient j = job;
        job = null;
        if (j != null) {
            try {
                j.cancel().get();
            } catch (Exception e) {
                // already finished or the cluster is going down with the JVM
            }
        }
        LocalKafkaBroker b = broker;
        broker = null;
        if (b != null
                && settings.keepBroker()
                && !Thread.currentThread().getName().equals("demo-shutdown")) {
            out.printf(
                    "Kafka broker left running at %s; stop it with ./missrec kafka stop --dir %s%n",
                    b.bootstrapServers().orElse("?"), b.home());
            out.flush();
        } else if (b != null) {
            try {
                b.stop(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
