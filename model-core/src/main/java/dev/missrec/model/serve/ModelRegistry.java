package dev.missrec.model.serve;

import dev.missrec.model.artifact.ArtifactException;
import dev.missrec.model.artifact.ArtifactManifest;
import dev.missrec.model.artifact.ArtifactReader;
import dev.missrec.model.artifact.ArtifactWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of versioned model artifacts: {@code <root>/v000001/}, {@code v000002/}, ... each a
 * verified artifact ({@link ArtifactReader}). Publishing stages the artifact inside the root,
 * verifies it and renames it into place atomically, so a reader never sees half a version; a file
 * lock keeps concurrent publishers (other processes too) from taking the same version number.
 *
 * <p>Locations handed in from outside (e.g. a {@code ModelUpdate} record) are resolved with {@link
 * #resolve}: anything that is not a version directory directly under the root — an absolute path
 * elsewhere, {@code ..}, or a symbolic link — is refused.
 */
public final class ModelRegistry {
    private static final Pattern VERSION = Pattern.compile("v\\d{6}");
    private static final String LOCK_FILE = ".publish.lock";
    private static final String STAGING_DIR = ".staging";

    /** File locks are per process: threads of this JVM also take this lock per registry root. */
    private static final java.util.concurrent.ConcurrentMap<
                    Path, java.util.concurrent.locks.ReentrantLock>
            JVM_LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path root;

    private ModelRegistry(Path root) {
        this.root = root;
    }

    /** Opens the registry at {@code root}, creating the directory if needed. */
    public static ModelRegistry open(Path root) {
        try {
            Files.createDirectories(root);
            return new ModelRegistry(root.toRealPath());
        } catch (IOException e) {
            throw new RegistryException(
                    "cannot open the model registry at " + root + ": " + e.getMessage(), e);
        }
    }

    /** The registry's root directory (real path). */
    public Path root() {
        return root;
    }

    /** Every published version, oldest first; reads manifests only (no checksum pass). */
    public List<RegisteredModel> list() {
        List<RegisteredModel> out = new ArrayList<>();
        for (String v : versionNames()) {
            Path dir = root.resolve(v);
            try {
                byte[] manifest = Files.readAllBytes(dir.resolve(ArtifactManifest.MANIFEST_FILE));
                out.add(
                        new RegisteredModel(
                                v,
                                dir,
                                ArtifactManifest.parse(
                                        new String(
                                                manifest, java.nio.charset.StandardCharsets.UTF_8)),
                                sha256(manifest)));
            } catch (IOException | ArtifactException e) {
                throw new RegistryException(
                        "version " + v + " in " + root + " is unreadable: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The newest version, if any. */
    public Optional<RegisteredModel> latest() {
        List<String> names = versionNames();
        return names.isEmpty() ? Optional.empty() : Optional.of(get(names.get(names.size() - 1)));
    }

    /**
     * The version {@code version}, fully verified (every file's checksum and shape).
     *
     * @throws RegistryException if there is no such version or it fails verification
     */
    public RegisteredModel get(String version) {
        Path dir = resolve(version);
        try {
            ArtifactReader reader = ArtifactReader.open(dir);
            byte[] manifest = Files.readAllBytes(dir.resolve(ArtifactManifest.MANIFEST_FILE));
            return new RegisteredModel(version, dir, reader.manifest(), sha256(manifest));
        } catch (ArtifactException e) {
            throw new RegistryException(
                    "version " + version + " fails verification: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new RegistryException(
                    "version " + version + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * The directory of version {@code location}, which must name a version directly under the root
     * ("v000003", or a path to it inside the root), be a real directory and not a link.
     *
     * @throws RegistryException if the location escapes the root or does not exist
     */
    public Path resolve(String location) {
        if (location == null || location.isBlank()) {
            throw new RegistryException("empty model location");
        }
        Path candidate = root.resolve(location).normalize();
        if (!candidate.startsWith(root) || candidate.equals(root)) {
            throw new RegistryException(
                    "model location '" + location + "' is outside the registry " + root);
        }
        Path relative = root.relativize(candidate);
        if (relative.getNameCount() != 1 || !VERSION.matcher(relative.toString()).matches()) {
            throw new RegistryException(
                    "model location '"
                            + location
                            + "' is not a version directory (vNNNNNN) of "
                            + root);
        }
        if (Files.isSymbolicLink(candidate)) {
            throw new RegistryException(
                    "model location '" + location + "' is a symbolic link; refused");
        }
        if (!Files.isDirectory(candidate, LinkOption.NOFOLLOW_LINKS)) {
            throw new RegistryException("no model version '" + relative + "' in " + root);
        }
        try {
            if (!candidate.toRealPath().startsWith(root)) {
                throw new RegistryException(
                        "model location '" + location + "' resolves outside " + root);
            }
        } catch (IOException e) {
            throw new RegistryException(
                    "cannot resolve model location '" + location + "': " + e.getMessage(), e);
        }
        return candidate;
    }

    /**
     * A writer staging inside the registry (same file system, so publishing is one rename); fill
     * it, then pass it to {@link #publish}.
     */
    public ArtifactWriter newWriter(String modelKind) {
        return ArtifactWriter.create(modelKind, root.resolve(STAGING_DIR));
    }

    /**
     * Publishes the artifact {@code writer} holds as the next version: committed to a staging
     * directory (verified there), then renamed into place.
     */
    public RegisteredModel publish(ArtifactWriter writer) {
        java.util.concurrent.locks.ReentrantLock jvmLock =
                JVM_LOCKS.computeIfAbsent(
                        root, r -> new java.util.concurrent.locks.ReentrantLock());
        jvmLock.lock();
        try {
            return publishLocked(writer);
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * Publishes a copy of the artifact at {@code artifactDir} (e.g. written by {@code train --out})
     * as the next version. The source is verified before and the copy after copying.
     */
    public RegisteredModel publishCopy(Path artifactDir) {
        ArtifactReader source;
        try {
            source = ArtifactReader.open(artifactDir);
        } catch (ArtifactException e) {
            throw new RegistryException(
                    "refusing to publish " + artifactDir + ": " + e.getMessage(), e);
        }
        java.util.concurrent.locks.ReentrantLock jvmLock =
                JVM_LOCKS.computeIfAbsent(
                        root, r -> new java.util.concurrent.locks.ReentrantLock());
        jvmLock.lock();
        try (FileChannel channel =
                        FileChannel.open(
                                root.resolve(LOCK_FILE),
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            String version = nextVersion();
            Path staged = root.resolve(STAGING_DIR).resolve(version + "-" + System.nanoTime());
            Files.createDirectories(staged);
            List<String> names = new ArrayList<>(source.fileNames());
            names.add(ArtifactManifest.MANIFEST_FILE);
            for (String name : names) {
                Files.copy(artifactDir.resolve(name), staged.resolve(name));
            }
            try {
                ArtifactReader.open(staged);
            } catch (ArtifactException e) {
                deleteTree(staged);
                throw new RegistryException(
                        "the copy of " + artifactDir + " fails verification: " + e.getMessage(), e);
            }
            Files.move(staged, root.resolve(version), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return get(version);
        } catch (IOException e) {
            throw new RegistryException(
                    "publishing " + artifactDir + " to " + root + " failed: " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    private String nextVersion() {
        List<String> names = versionNames();
        int next =
                names.isEmpty()
                        ? 1
                        : Integer.parseInt(names.get(names.size() - 1).substring(1)) + 1;
        return String.format("v%06d", next);
    }

    private RegisteredModel publishLocked(ArtifactWriter writer) {
        try (FileChannel channel =
                        FileChannel.open(
                                root.resolve(LOCK_FILE),
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            String version = nextVersion();
            Path staged = root.resolve(STAGING_DIR).resolve(version + "-" + System.nanoTime());
            writer.commit(staged);
            ArtifactReader.open(staged); // what is published must verify
            Files.move(staged, root.resolve(version), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return get(version);
        } catch (IOException e) {
            throw new RegistryException("publishing to " + root + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes all but the newest {@code keep} versions, never touching {@code pinned} ones (e.g.
     * the version being served).
     *
     * @return the deleted versions
     */
    public List<String> retain(int keep, Set<String> pinned) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one version: " + keep);
        }
        List<String> names = versionNames();
        List<String> deleted = new ArrayList<>();
        for (int i = 0; i < names.size() - keep; i++) {
            String v = names.get(i);
            if (!pinned.contains(v)) {
                deleteTree(root.resolve(v));
                deleted.add(v);
            }
        }
        return deleted;
    }

    private List<String> versionNames() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path p : dirs) {
                String name = p.getFileName().toString();
                if (VERSION.matcher(name).matches()
                        && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new RegistryException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
