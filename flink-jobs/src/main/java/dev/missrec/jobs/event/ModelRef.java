package dev.missrec.jobs.event;

import java.io.Serializable;
import java.util.Objects;

/**
 * A model version to serve, as announced on the model-updates topic: its version, its location in
 * the registry and the SHA-256 of its manifest (checked before it is loaded). A Flink POJO.
 */
public class ModelRef implements Serializable {
    private static final long serialVersionUID = 1L;

    public String version;

    /** Location relative to the registry root (normally the version directory name). */
    public String registryLocation;

    /** Hex SHA-256 of the version's manifest.json; null only for a version chosen at start-up. */
    public String manifestSha256;

    public ModelRef() {}

    public ModelRef(String version, String registryLocation, String manifestSha256) {
        this.version = version;
        this.registryLocation = registryLocation;
        this.manifestSha256 = manifestSha256;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelRef r
                && Objects.equals(version, r.version)
                && Objects.equals(registryLocation, r.registryLocation)
                && Objects.equals(manifestSha256, r.manifestSha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, registryLocation, manifestSha256);
    }

    @Override
    public String toString() {
        return version + "@" + registryLocation;
    }
}
