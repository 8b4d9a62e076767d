package dev.missrec.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    private final DurationConverter c = new DurationConverter();

    @Test
    void shouldReadShortFormsAndIso() {
        assertThat(c.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(c.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(c.convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(c.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void shouldRejectGarbageNamingTheAcceptedForms() {
        for (String bad : new String[] {"", "s", "10x", "ten s", "P1Q"}) {
            assertThatThrownBy(() -> c.convert(bad))
                    .isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("not a duration")
                    .hasMessageContaining("30s");
        }
    }
}
