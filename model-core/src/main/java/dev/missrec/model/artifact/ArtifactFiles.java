package dev.missrec.model.artifact;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Name rules and hashing shared by the writer and the reader. */
final class ArtifactFiles {
    /** A plain file name: no separators, no leading dot, at most 128 characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private ArtifactFiles() {}

    /**
     * Refuses names that could address anything but a plain file directly in the artifact
     * directory; the reader applies the same rule to names listed in a manifest, so a tampered
     * manifest cannot make it read outside the directory.
     */
    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new ArtifactException(
                    ArtifactException.Problem.BAD_NAME,
                    String.valueOf(name),
                    "bad artifact file name '"
                            + name
                            + "': use letters, digits, '.', '_' and '-' only, starting with a"
                            + " letter or digit, no '..', at most 128 characters");
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    static String sha256Hex(ByteBuffer bytes) {
        MessageDigest md = sha256();
        md.update(bytes.duplicate());
        return hex(md.digest());
    }

    static long product(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }
}
