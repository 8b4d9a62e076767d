/**
 * Baselines scored by the same full-ranking harness as the trained models: MostPopular, a
 * first-order Markov chain and a training-free content (feature-similarity) recommender.
 */
package dev.missrec.model.baseline;
