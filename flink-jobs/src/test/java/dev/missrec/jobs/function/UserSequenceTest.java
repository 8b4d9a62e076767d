package dev.missrec.jobs.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.jobs.function.UserSequence.Outcome;
import org.junit.jupiter.api.Test;

class UserSequenceTest {

    @Test
    void shouldAppendInEventTimeOrderAndKeepOnlyTheLastL() {
        UserSequence s = new UserSequence();
        for (int i = 0; i < 5; i++) {
            assertThat(s.add("e" + i, "i" + i, 100 + i, 3, 10)).isEqualTo(Outcome.APPENDED);
        }
        assertThat(s.itemIds).containsExactly("i2", "i3", "i4");
        assertThat(s.eventTimes).containsExactly(102, 103, 104);
    }

    @Test
    void shouldPlaceAnOutOfOrderEventAtItsEventTimePosition() {
        UserSequence s = new UserSequence();
        s.add("e1", "a", 10, 5, 10);
        s.add("e2", "c", 30, 5, 10);
        assertThat(s.add("e3", "b", 20, 5, 10)).isEqualTo(Outcome.INSERTED_OUT_OF_ORDER);
        assertThat(s.itemIds).containsExactly("a", "b", "c");
        // equal times keep arrival order
        assertThat(s.add("e4", "c2", 30, 5, 10)).isEqualTo(Outcome.APPENDED);
        assertThat(s.itemIds).containsExactly("a", "b", "c", "c2");
    }

    @Test
    void shouldIgnoreAnEventOlderThanEveryItemOfAFullSequence() {
        UserSequence s = new UserSequence();
        s.add("e1", "a", 10, 2, 10);
        s.add("e2", "b", 20, 2, 10);
        assertThat(s.add("e3", "old", 5, 2, 10)).isEqualTo(Outcome.OUTSIDE_WINDOW);
        assertThat(s.itemIds).containsExactly("a", "b");
    }

    @Test
    void shouldDropARedeliveredEventIdWithinTheDedupWindow() {
        UserSequence s = new UserSequence();
        s.add("e1", "a", 10, 5, 2);
        assertThat(s.add("e1", "a", 10, 5, 2)).isEqualTo(Outcome.DUPLICATE);
        assertThat(s.itemIds).containsExactly("a");
        s.add("e2", "b", 11, 5, 2);
        s.add("e3", "c", 12, 5, 2);
        // the window remembers 2 ids: e1 has been forgotten, so it counts as new again
        assertThat(s.recentEventIds).containsExactly("e2", "e3");
        assertThat(s.add("e1", "a", 13, 5, 2)).isEqualTo(Outcome.APPENDED);
    }

    @Test
    void shouldAllowARecomputeOnlyAfterTheMinimumInterval() {
        UserSequence s = new UserSequence();
        assertThat(s.mayRecompute(1_000, 500)).isTrue();
        s.lastRecomputeEventTime = 1_000;
        assertThat(s.mayRecompute(1_400, 500)).isFalse();
        assertThat(s.mayRecompute(1_500, 500)).isTrue();
        assertThat(s.mayRecompute(1_001, 0)).isTrue();
    }
}
