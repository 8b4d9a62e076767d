/**
 * Generic epoch loop: early stopping on validation NDCG@10, best-weight snapshots, progress bar.
 */
package dev.missrec.model.train;
