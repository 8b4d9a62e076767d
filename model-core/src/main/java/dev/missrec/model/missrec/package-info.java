/** The MISSRec model: config, the DJL block, scoring and the trainer used by the comparisons. */
package dev.missrec.model.missrec;
