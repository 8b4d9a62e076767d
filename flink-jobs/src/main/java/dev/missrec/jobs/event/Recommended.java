package dev.missrec.jobs.event;

import java.util.Arrays;
import java.util.Objects;

/** A recommendation made inside the job; becomes a {@code Recommendation} on the topic. */
public class Recommended {
    public String userId;

    /** External item ids, best first. */
    public String[] itemIds;

    public float[] scores;
    public String modelVersion;
    public String triggerEventId;
    public long triggerEventTime;

    /** When the triggering click was read from Kafka (epoch ms). */
    public long ingestTime;

    /** When this recommendation was made (epoch ms). */
    public long producedTime;

    /** Duration of the inference call of the batch this request was in, microseconds. */
    public long inferenceMicros;

    /** History items the model did not know and ignored. */
    public int unknownItems;

    public Recommended() {}

    @Override
    public boolean equals(Object o) {
        return o instanceof Recommended r
                && triggerEventTime == r.triggerEventTime
                && ingestTime == r.ingestTime
                && producedTime == r.producedTime
                && inferenceMicros == r.inferenceMicros
                && unknownItems == r.unknownItems
                && Objects.equals(userId, r.userId)
                && Arrays.equals(itemIds, r.itemIds)
                && Arrays.equals(scores, r.scores)
                && Objects.equals(modelVersion, r.modelVersion)
                && Objects.equals(triggerEventId, r.triggerEventId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, triggerEventId, modelVersion) * 31 + Arrays.hashCode(itemIds);
    }

    @Override
    public String toString() {
        return "Recommended{"
                + userId
                + " "
                + Arrays.toString(itemIds)
                + " by "
                + modelVersion
                + "}";
    }
}
