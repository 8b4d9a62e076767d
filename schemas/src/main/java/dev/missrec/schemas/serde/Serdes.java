package dev.missrec.schemas.serde;

import dev.missrec.schemas.ClickEvent;
import dev.missrec.schemas.DeadLetter;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.ModelUpdate;
import dev.missrec.schemas.Recommendation;

/**
 * One shared, thread-safe {@link AvroValueSerde} per topic record type, each reading that record's
 * full schema history.
 */
public final class Serdes {
    // Holder classes: a job that only reads clicks never loads the other histories.
    private static final class Clicks {
        static final AvroValueSerde<ClickEvent> SERDE = AvroValueSerde.forType(ClickEvent.class);
    }

    private static final class Items {
        static final AvroValueSerde<ItemFeatures> SERDE =
                AvroValueSerde.forType(ItemFeatures.class);
    }

    private static final class Recommendations {
        static final AvroValueSerde<Recommendation> SERDE =
                AvroValueSerde.forType(Recommendation.class);
    }

    private static final class ModelUpdates {
        static final AvroValueSerde<ModelUpdate> SERDE = AvroValueSerde.forType(ModelUpdate.class);
    }

    private static final class DeadLetters {
        static final AvroValueSerde<DeadLetter> SERDE = AvroValueSerde.forType(DeadLetter.class);
    }

    private Serdes() {}

    /** Values of the clicks topic. */
    public static AvroValueSerde<ClickEvent> clickEvent() {
        return Clicks.SERDE;
    }

    /** Values of the items topic. */
    public static AvroValueSerde<ItemFeatures> itemFeatures() {
        return Items.SERDE;
    }

    /** Values of the recommendations topic. */
    public static AvroValueSerde<Recommendation> recommendation() {
        return Recommendations.SERDE;
    }

    /** Values of the model-updates topic. */
    public static AvroValueSerde<ModelUpdate> modelUpdate() {
        return ModelUpdates.SERDE;
    }

    /** Values of the dead-letter topic. */
    public static AvroValueSerde<DeadLetter> deadLetter() {
        return DeadLetters.SERDE;
    }
}
