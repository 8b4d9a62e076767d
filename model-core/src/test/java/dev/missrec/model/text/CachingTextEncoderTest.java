package dev.missrec.model.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingTextEncoderTest {
    private static final List<String> TEXTS =
            List.of(
                    "Toy Story (1995). Animation.",
                    "Heat (1995). Action, Crime.",
                    "Élan, « vital »");

    @TempDir Path dir;

    @Test
    void shouldComputeOnAMissAndServeTheSameVectorsFromDiskOnAHit() {
        CountingTextEncoder first = new CountingTextEncoder("m1", 8);
        float[][] computed;
        try (CachingTextEncoder cache = new CachingTextEncoder(first, dir)) {
            computed = cache.encode(TEXTS);
            assertThat(cache.stats()).isEqualTo(new CachingTextEncoder.Stats(0, 3, 0));
        }
        assertThat(first.encoded()).containsExactlyElementsOf(TEXTS);
        assertThat(first.closed()).isTrue();
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(computed[i]).containsExactly(first.vectorOf(TEXTS.get(i)));
        }

        // A fresh encoder over the same folder (a second run) never calls its delegate.
        CountingTextEncoder second = new CountingTextEncoder("m1", 8);
        try (CachingTextEncoder cache = new CachingTextEncoder(second, dir)) {
            float[][] cached = cache.encode(TEXTS);
            assertThat(second.calls()).isZero();
            assertThat(cache.stats()).isEqualTo(new CachingTextEncoder.Stats(3, 0, 0));
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(cached[i]).containsExactly(computed[i]);
            }
        }
    }

    @Test
    void shouldEmbedOnlyTheMissingTextsOnceEachWhenTheRequestMixesHitsAndDuplicates() {
        CountingTextEncoder encoder = new CountingTextEncoder("m1", 4);
        try (CachingTextEncoder cache = new CachingTextEncoder(encoder, dir)) {
            cache.encode(List.of("a"));
            float[][] out = cache.encode(List.of("b", "a", "b", "c"));
            assertThat(encoder.encoded()).containsExactly("a", "b", "c");
            assertThat(out[0]).containsExactly(out[2]).containsExactly(encoder.vectorOf("b"));
            assertThat(out[0]).isNotSameAs(out[2]); // callers may modify their rows
            assertThat(out[1]).containsExactly(encoder.vectorOf("a"));
            assertThat(out[3]).containsExactly(encoder.vectorOf("c"));
            assertThat(cache.stats()).isEqualTo(new CachingTextEncoder.Stats(1, 3, 0));
        }
    }

    @Test
    void shouldRecomputeAndRepairAnEntryWhoseBytesWereCorrupted() throws IOException {
        CountingTextEncoder encoder = new CountingTextEncoder("m1", 8);
        try (CachingTextEncoder cache = new CachingTextEncoder(encoder, dir)) {
            cache.encode(TEXTS);
            Path entry = cache.entryPath(TEXTS.get(1));
            byte[] bytes = Files.readAllBytes(entry);
            bytes[CachingTextEncoder.HEADER_BYTES + 5] ^= 0x40; // one bit of one float
            Files.write(entry, bytes);

            float[][] again = cache.encode(TEXTS);

            assertThat(encoder.encoded())
                    .containsExactly(TEXTS.get(0), TEXTS.get(1), TEXTS.get(2), TEXTS.get(1));
            assertThat(again[1]).containsExactly(encoder.vectorOf(TEXTS.get(1)));
            assertThat(cache.stats()).isEqualTo(new CachingTextEncoder.Stats(2, 4, 1));
            // The entry was rewritten whole: the next read is a verified hit.
            cache.encode(List.of(TEXTS.get(1)));
            assertThat(cache.stats().rejected()).isEqualTo(1);
            assertThat(cache.stats().hits()).isEqualTo(3);
        }
    }

    @Test
    void shouldRejectTornEmptyAndForeignEntries() throws IOException {
        CountingTextEncoder encoder = new CountingTextEncoder("m1", 8);
        try (CachingTextEncoder cache = new CachingTextEncoder(encoder, dir)) {
            cache.encode(TEXTS);
            cache.encode(List.of("other text"));
            Path torn = cache.entryPath(TEXTS.get(0));
            byte[] whole = Files.readAllBytes(torn);
            Files.write(torn, Arrays.copyOf(whole, whole.length / 2)); // a crash mid-write
            Files.write(cache.entryPath(TEXTS.get(1)), new byte[0]);
            // A whole, valid entry of another text in this text's place: checksum fine, hash not.
            Files.copy(
                    cache.entryPath("other text"),
                    cache.entryPath(TEXTS.get(2)),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        try (CachingTextEncoder cache = new CachingTextEncoder(encoder, dir)) {
            float[][] out = cache.encode(TEXTS);
            assertThat(cache.stats()).isEqualTo(new CachingTextEncoder.Stats(0, 3, 3));
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(out[i]).containsExactly(encoder.vectorOf(TEXTS.get(i)));
            }
        }
    }

    @Test
    void shouldKeepModelsApartSoADifferentModelIdIsAMiss() {
        CountingTextEncoder m1 = new CountingTextEncoder("minilm/v1", 8);
        CountingTextEncoder m2 = new CountingTextEncoder("minilm/v2", 8);
        try (CachingTextEncoder a = new CachingTextEncoder(m1, dir);
                CachingTextEncoder b = new CachingTextEncoder(m2, dir)) {
            float[][] va = a.encode(TEXTS);
            float[][] vb = b.encode(TEXTS);
            assertThat(m2.encoded()).containsExactlyElementsOf(TEXTS);
            assertThat(b.stats().hits()).isZero();
            assertThat(vb[0]).containsExactly(m2.vectorOf(TEXTS.get(0))).isNotEqualTo(va[0]);
            assertThat(a.modelDirectory()).isNotEqualTo(b.modelDirectory());
            assertThat(a.entryPath("x")).isNotEqualTo(b.entryPath("x"));
        }
    }

    @Test
    void shouldNotMixModelsWhoseIdsOnlyDifferInCharactersUnsafeForFileNames() {
        CountingTextEncoder m1 = new CountingTextEncoder("a/b", 4);
        CountingTextEncoder m2 = new CountingTextEncoder("a:b", 4);
        try (CachingTextEncoder a = new CachingTextEncoder(m1, dir);
                CachingTextEncoder b = new CachingTextEncoder(m2, dir)) {
            assertThat(a.modelDirectory()).isNotEqualTo(b.modelDirectory());
            a.encode(TEXTS);
            b.encode(TEXTS);
            assertThat(b.stats().misses()).isEqualTo(3);
        }
    }

    @Test
    void shouldLeaveNoTemporaryFilesBehind() throws IOException {
        try (CachingTextEncoder cache =
                new CachingTextEncoder(new CountingTextEncoder("m1", 8), dir)) {
            cache.encode(TEXTS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .hasSize(3)
                    .allMatch(name -> name.endsWith(CachingTextEncoder.SUFFIX));
        }
    }

    @Test
    void shouldFailClearlyWhenTheDelegateReturnsTheWrongDimension() {
        TextEncoder liar =
                new TextEncoder() {
                    @Override
                    public float[][] encode(List<String> texts) {
                        return texts.stream().map(t -> new float[3]).toArray(float[][]::new);
                    }

                    @Override
                    public int dimension() {
                        return 4;
                    }

                    @Override
                    public String modelId() {
                        return "liar";
                    }
                };
        try (CachingTextEncoder cache = new CachingTextEncoder(liar, dir)) {
            assertThatThrownBy(() -> cache.encode(List.of("x")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("length 3, expected 4");
            assertThat(Files.exists(cache.entryPath("x"))).isFalse();
        }
    }
}
