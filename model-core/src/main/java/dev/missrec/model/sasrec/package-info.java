/**
 * SASRec (Kang &amp; McAuley, ICDM 2018): the ID-only causal self-attention baseline, trained with
 * full-softmax cross-entropy, saved and loaded as a model artifact.
 */
package dev.missrec.model.sasrec;
