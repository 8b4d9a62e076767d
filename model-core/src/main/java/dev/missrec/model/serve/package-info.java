/** Serving: batched top-K recommendation over external item ids, for the streaming jobs. */
package dev.missrec.model.serve;
