package dev.missrec.model.train;

/**
 * What one epoch did.
 *
 * @param epoch 1-based epoch
 * @param meanLoss mean training loss over its batches
 * @param trainSeconds wall time of the epoch's preparation and training batches
 * @param validNdcg10 validation NDCG@10 after the epoch
 * @param validSeconds wall time of the validation
 */
public record EpochLog(
        int epoch, double meanLoss, double trainSeconds, double validNdcg10, double validSeconds) {}
