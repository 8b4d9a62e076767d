package dev.missrec.schemas.serde;

/** Layout of the JSON written by {@link AvroJson}. */
public enum JsonStyle {
    /** One line, no spaces: for logs and line-oriented files. */
    COMPACT,
    /** Indented over several lines: for people. */
    PRETTY
}
