/** The pipeline benchmark command on a real broker and a real trained model. */
package dev.missrec.it.bench;
