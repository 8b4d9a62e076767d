package dev.missrec.model.sasrec;

import dev.missrec.model.data.SequenceDataset;
import dev.missrec.model.data.SequenceExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A tiny learnable dataset built from an id and a seed: items form chains, and each user mostly
 * walks one chain item by item, so the last item predicts the next one while global popularity is
 * flat. Split leave-one-out as the reference (MISSREC-SPEC.md §1.4).
 */
final class ChainDataset {
    private ChainDataset() {}

    static SequenceDataset generate(
            int users, int chains, int chainLength, int seqLength, double followProb, long seed) {
        Random rnd = new Random(seed);
        int n = chains * chainLength + 1;
        String[] tokens = new String[n];
        tokens[0] = "[PAD]";
        for (int i = 1; i < n; i++) {
            tokens[i] = "item" + i;
        }
        List<SequenceExample> train = new ArrayList<>();
        List<SequenceExample> valid = new ArrayList<>();
        List<SequenceExample> test = new ArrayList<>();
        for (int u = 1; u <= users; u++) {
            int chain = rnd.nextInt(chains);
            int pos = rnd.nextInt(chainLength);
            int[] seq = new int[seqLength];
            for (int t = 0; t < seqLength; t++) {
                seq[t] = 1 + chain * chainLength + pos;
                pos =
                        rnd.nextDouble() < followProb
                                ? (pos + 1) % chainLength
                                : rnd.nextInt(chainLength);
            }
            int[] trainPart = Arrays.copyOf(seq, seqLength - 2);
            for (int t = 1; t < trainPart.length; t++) {
                train.add(new SequenceExample(u, Arrays.copyOf(trainPart, t), trainPart[t]));
            }
            valid.add(new SequenceExample(u, trainPart, seq[seqLength - 2]));
            test.add(new SequenceExample(u, Arrays.copyOf(seq, seqLength - 1), seq[seqLength - 1]));
        }
        return new SequenceDataset("chains", users, tokens, null, null, null, train, valid, test);
    }

    /** The learnable default: 200 users, 6 chains of 10 items, sequences of 10, 90% follow. */
    static SequenceDataset standard(long seed) {
        return generate(200, 6, 10, 10, 0.9, seed);
    }
}
