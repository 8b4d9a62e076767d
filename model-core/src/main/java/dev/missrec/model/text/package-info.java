/** Sentence encoders that turn item text into feature vectors, and their on-disk cache. */
package dev.missrec.model.text;
