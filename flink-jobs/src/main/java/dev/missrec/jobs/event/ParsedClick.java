package dev.missrec.jobs.event;

/**
 * What the clicks deserializer produces for each Kafka record: a valid {@link Click} or a {@link
 * Rejection} saying why the record is unusable. Exactly one of the two is set.
 */
public class ParsedClick {
    public Click click;
    public Rejection rejection;

    public ParsedClick() {}

    public static ParsedClick valid(Click click) {
        ParsedClick p = new ParsedClick();
        p.click = click;
        return p;
    }

    public static ParsedClick rejected(Rejection rejection) {
        ParsedClick p = new ParsedClick();
        p.rejection = rejection;
        return p;
    }
}
