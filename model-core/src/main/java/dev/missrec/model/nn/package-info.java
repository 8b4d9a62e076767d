/**
 * DJL blocks of the MISSRec port: post-LayerNorm Transformer layers, multi-head attention, layer
 * norm, the reference initialisation, and the sequence conventions (padding, gather-last).
 */
package dev.missrec.model.nn;
