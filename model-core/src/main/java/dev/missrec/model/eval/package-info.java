/** Full-ranking evaluation shared by every model and baseline. */
package dev.missrec.model.eval;
