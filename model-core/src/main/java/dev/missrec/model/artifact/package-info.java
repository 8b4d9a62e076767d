/**
 * Model artifacts: a verified, versioned directory of parameter files, config, serving tables and a
 * manifest with the SHA-256 of every file.
 */
package dev.missrec.model.artifact;
