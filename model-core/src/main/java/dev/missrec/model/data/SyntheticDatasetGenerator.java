package dev.missrec.model.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Deterministic synthetic sequential dataset for tests and demos, with both modalities and a
 * learnable sequential signal.
 *
 * <p>Items belong to latent topics; an item's latent vector is its topic's centre plus noise. The
 * text and image features are two different random linear projections of that latent vector plus
 * modality-specific noise, so both modalities are noisy views of the topic, and a fraction of the
 * items lacks one of them (an all-zero row, as the reference marks a missing modality,
 * MISSREC-SPEC.md §1.1). Within a topic the items form a chain; a user has two or three interests
 * (topics), walks the chain of the current interest with probability {@code successorProbability}
 * and otherwise picks a popular item of that topic, switches interest now and then, and drifts: an
 * interest is occasionally replaced by the neighbouring topic. Knowing the last item therefore
 * predicts the next one far better than global popularity does, so sequence models beat MostPopular
 * on it.
 *
 * <p>Everything is derived from {@link Options#seed()}: the same options give the same dataset. The
 * splits are built as the reference's (§1.4) by {@link LeaveOneOutSplit}.
 */
public final class SyntheticDatasetGenerator {
    private static final int LATENT_DIM = 16;
    private static final double ITEM_SPREAD = 0.35;
    private static final double SWITCH_PROBABILITY = 0.15;
    private static final double DRIFT_PROBABILITY = 0.03;
    private static final double ZIPF_EXPONENT = 0.8;

    private final Options options;

    /** Creates a generator for {@code options}. */
    public SyntheticDatasetGenerator(Options options) {
        this.options = options;
    }

    /**
     * Options of the generator; build with {@link #builder()}, every value has a default.
     *
     * @param users number of users
     * @param items number of real items (ids 1..items)
     * @param topics number of latent topics
     * @param featureDim size P of both feature tables
     * @param minLength shortest user sequence (at least {@link LeaveOneOutSplit#MIN_LENGTH})
     * @param maxLength longest user sequence
     * @param maxHistory L: histories keep their last L items
     * @param missingModalityRate fraction of items with one modality missing (all-zero row)
     * @param featureNoise standard deviation of the per-modality noise added to the projections
     * @param successorProbability probability that the next item continues the topic's chain
     * @param seed seed of every random choice
     */
    public record Options(
            int users,
            int items,
            int topics,
            int featureDim,
            int minLength,
            int maxLength,
            int maxHistory,
            double missingModalityRate,
            double featureNoise,
            double successorProbability,
            long seed) {

        public Options {
            if (users < 1 || items < 2 || topics < 1 || topics > items || featureDim < 1) {
                throw new IllegalArgumentException(
                        "need users >= 1, items >= 2, 1 <= topics <= items, featureDim >= 1; got "
                                + users
                                + ", "
                                + items
                                + ", "
                                + topics
                                + ", "
                                + featureDim);
            }
            if (minLength < LeaveOneOutSplit.MIN_LENGTH
                    || maxLength < minLength
                    || maxHistory < 1) {
                throw new IllegalArgumentException(
                        "need "
                                + LeaveOneOutSplit.MIN_LENGTH
                                + " <= minLength <= maxLength and maxHistory >= 1; got "
                                + minLength
                                + ", "
                                + maxLength
                                + ", "
                                + maxHistory);
            }
            if (!(missingModalityRate >= 0 && missingModalityRate <= 1)
                    || !(successorProbability >= 0 && successorProbability <= 1)
                    || !(featureNoise >= 0)) {
                throw new IllegalArgumentException(
                        "missingModalityRate and successorProbability must be in [0,1] and"
                                + " featureNoise >= 0");
            }
        }

        /** A builder with the defaults: 300 users, 200 items, 10 topics, P = 32. */
        public static Builder builder() {
            return new Builder();
        }
    }

    /** Builder of {@link Options}: every setting is optional. */
    public static final class Builder {
        private int users = 300;
        private int items = 200;
        private int topics = 10;
        private int featureDim = 32;
        private int minLength = 5;
        private int maxLength = 20;
        private int maxHistory = 50;
        private double missingModalityRate = 0.1;
        private double featureNoise = 0.5;
        private double successorProbability = 0.6;
        private long seed = 42;

        private Builder() {}

        public Builder optUsers(int users) {
            this.users = users;
            return this;
        }

        public Builder optItems(int items) {
            this.items = items;
            return this;
        }

        public Builder optTopics(int topics) {
            this.topics = topics;
            return this;
        }

        public Builder optFeatureDim(int featureDim) {
            this.featureDim = featureDim;
            return this;
        }

        public Builder optSequenceLength(int minLength, int maxLength) {
            this.minLength = minLength;
            this.maxLength = maxLength;
            return this;
        }

        public Builder optMaxHistory(int maxHistory) {
            this.maxHistory = maxHistory;
            return this;
        }

        public Builder optMissingModalityRate(double rate) {
            this.missingModalityRate = rate;
            return this;
        }

        public Builder optFeatureNoise(double noise) {
            this.featureNoise = noise;
            return this;
        }

        public Builder optSuccessorProbability(double p) {
            this.successorProbability = p;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Validates and builds the options. */
        public Options build() {
            return new Options(
                    users,
                    items,
                    topics,
                    featureDim,
                    minLength,
                    maxLength,
                    maxHistory,
                    missingModalityRate,
                    featureNoise,
                    successorProbability,
                    seed);
        }
    }

    /** Generates a dataset with the default options except {@code seed}. */
    public static SequenceDataset generate(long seed) {
        return new SyntheticDatasetGenerator(Options.builder().optSeed(seed).build()).generate();
    }

    /** Generates the dataset; the same options always give the same dataset. */
    public SequenceDataset generate() {
        Options o = options;
        Random rnd = new Random(o.seed());
        int n = o.items() + 1;

        double[][] centres = new double[o.topics()][];
        for (int t = 0; t < o.topics(); t++) {
            centres[t] = gaussian(rnd, LATENT_DIM, 1.0);
        }
        // Every topic gets at least one item: deal topics round-robin, then shuffle the deal.
        int[] topicOf = new int[n];
        List<Integer> deal = new ArrayList<>();
        for (int i = 0; i < o.items(); i++) {
            deal.add(i % o.topics());
        }
        Collections.shuffle(deal, rnd);
        List<List<Integer>> topicItems = new ArrayList<>();
        for (int t = 0; t < o.topics(); t++) {
            topicItems.add(new ArrayList<>());
        }
        for (int id = 1; id < n; id++) {
            topicOf[id] = deal.get(id - 1);
            topicItems.get(topicOf[id]).add(id);
        }

        double[][] textProjection = projection(rnd, o.featureDim());
        double[][] imageProjection = projection(rnd, o.featureDim());
        ItemFeatureTable text = ItemFeatureTable.zeros(n, o.featureDim());
        ItemFeatureTable image = ItemFeatureTable.zeros(n, o.featureDim());
        String[] tokens = new String[n];
        String[] texts = new String[n];
        tokens[0] = "[PAD]";
        texts[0] = "";
        for (int id = 1; id < n; id++) {
            double[] latent = centres[topicOf[id]].clone();
            double[] spread = gaussian(rnd, LATENT_DIM, ITEM_SPREAD);
            for (int k = 0; k < LATENT_DIM; k++) {
                latent[k] += spread[k];
            }
            boolean missing = rnd.nextDouble() < o.missingModalityRate();
            boolean dropText = missing && rnd.nextBoolean();
            boolean dropImage = missing && !dropText;
            float[] t = view(rnd, textProjection, latent, o.featureNoise());
            float[] v = view(rnd, imageProjection, latent, o.featureNoise());
            if (!dropText) {
                text.setRow(id, t);
            }
            if (!dropImage) {
                image.setRow(id, v);
            }
            tokens[id] = Integer.toString(id - 1);
            texts[id] = "item " + (id - 1) + " topic " + topicOf[id];
        }

        // Within-topic popularity: a Zipf law over a random order of the topic's items.
        double[][] topicWeights = new double[o.topics()][];
        for (int t = 0; t < o.topics(); t++) {
            int size = topicItems.get(t).size();
            List<Integer> ranks = new ArrayList<>();
            for (int r = 0; r < size; r++) {
                ranks.add(r);
            }
            Collections.shuffle(ranks, rnd);
            topicWeights[t] = new double[size];
            for (int r = 0; r < size; r++) {
                topicWeights[t][r] = 1.0 / Math.pow(ranks.get(r) + 1, ZIPF_EXPONENT);
            }
        }
        int[] chainPos = new int[n];
        for (int t = 0; t < o.topics(); t++) {
            List<Integer> members = topicItems.get(t);
            for (int p = 0; p < members.size(); p++) {
                chainPos[members.get(p)] = p;
            }
        }

        List<SequenceExample> train = new ArrayList<>();
        List<SequenceExample> valid = new ArrayList<>();
        List<SequenceExample> test = new ArrayList<>();
        for (int user = 1; user <= o.users(); user++) {
            int length = o.minLength() + rnd.nextInt(o.maxLength() - o.minLength() + 1);
            int numInterests = Math.min(o.topics(), 2 + rnd.nextInt(2));
            int[] interests = distinctTopics(rnd, o.topics(), numInterests);
            int current = 0;
            int[] seq = new int[length];
            int prev = 0;
            for (int pos = 0; pos < length; pos++) {
                if (pos > 0 && rnd.nextDouble() < SWITCH_PROBABILITY && numInterests > 1) {
                    current = (current + 1 + rnd.nextInt(numInterests - 1)) % numInterests;
                }
                if (rnd.nextDouble() < DRIFT_PROBABILITY) {
                    interests[current] = (interests[current] + 1) % o.topics();
                }
                int topic = interests[current];
                List<Integer> members = topicItems.get(topic);
                int item;
                if (prev != 0
                        && topicOf[prev] == topic
                        && rnd.nextDouble() < o.successorProbability()) {
                    item = members.get((chainPos[prev] + 1) % members.size());
                } else {
                    item = members.get(sample(rnd, topicWeights[topic]));
                }
                seq[pos] = item;
                prev = item;
            }
            LeaveOneOutSplit.split(user, seq, o.maxHistory(), train, valid, test);
        }
        return new SequenceDataset(
                "synthetic", o.users(), tokens, texts, text, image, train, valid, test);
    }

    private static int[] distinctTopics(Random rnd, int topics, int count) {
        List<Integer> all = new ArrayList<>();
        for (int t = 0; t < topics; t++) {
            all.add(t);
        }
        Collections.shuffle(all, rnd);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    private static int sample(Random rnd, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = rnd.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static double[] gaussian(Random rnd, int size, double std) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = rnd.nextGaussian() * std;
        }
        return v;
    }

    private static double[][] projection(Random rnd, int dim) {
        double[][] w = new double[dim][];
        for (int j = 0; j < dim; j++) {
            w[j] = gaussian(rnd, LATENT_DIM, 1.0 / Math.sqrt(LATENT_DIM));
        }
        return w;
    }

    private static float[] view(Random rnd, double[][] projection, double[] latent, double noise) {
        float[] out = new float[projection.length];
        for (int j = 0; j < projection.length; j++) {
            double s = 0;
            for (int k = 0; k < latent.length; k++) {
                s += projection[j][k] * latent[k];
            }
            out[j] = (float) (s + rnd.nextGaussian() * noise);
        }
        return out;
    }
}
