/** Datasets in internal item ids: readers, the synthetic generator and item feature tables. */
package dev.missrec.model.data;
