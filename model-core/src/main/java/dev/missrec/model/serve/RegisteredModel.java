package dev.missrec.model.serve;

import dev.missrec.model.artifact.ArtifactManifest;
import java.nio.file.Path;

/**
 * One published model version.
 *
 * @param version the version name, e.g. "v000003"; versions sort in publication order
 * @param directory the artifact directory inside the registry
 * @param manifest the artifact's manifest
 * @param manifestSha256 hex SHA-256 of {@code manifest.json}: what a {@code ModelUpdate} carries,
 *     so a consumer can check it loads exactly the artifact that was announced
 */
public record RegisteredModel(
        String version, Path directory, ArtifactManifest manifest, String manifestSha256) {}
