package dev.missrec.jobs.serde;

import dev.missrec.jobs.event.ControlEvent;
import dev.missrec.jobs.event.ModelRef;
import dev.missrec.jobs.event.Rejection;
import dev.missrec.model.serve.LiveItemCatalog;
import dev.missrec.schemas.ItemFeatures;
import dev.missrec.schemas.ItemStatus;
import dev.missrec.schemas.ModelUpdate;
import dev.missrec.schemas.serde.RecordDecodingException;
import dev.missrec.schemas.serde.Serdes;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decoders of the two control topics (items, model updates) into {@link ControlEvent}s. An
 * undecodable or invalid record becomes a rejection with its raw bytes — never a failure.
 */
public final class ControlEventDeserializers {
    private ControlEventDeserializers() {}

    /** The items topic: an item's status and features, for the serving engine's live catalog. */
    public static KafkaRecordDeserializationSchema<ControlEvent> items() {
        return new Base() {
            @Override
            ControlEvent decode(ConsumerRecord<byte[], byte[]> record) {
                ItemFeatures item = Serdes.itemFeatures().deserialize(record.value());
                if (item.getItemId() == null || item.getItemId().isBlank()) {
                    return reject(record, "VALIDATION", null, "itemId is empty");
                }
                ControlEvent e =
                        ControlEvent.itemUpdate(
                                item.getItemId(),
                                status(item.getStatus()),
                                floats(item.getTextEmbedding()),
                                floats(item.getImageEmbedding()),
                                item.getUpdateTime().toEpochMilli());
                e.sourceTopic = record.topic();
                e.sourcePartition = record.partition();
                e.sourceOffset = record.offset();
                e.rawValue = record.value();
                return e;
            }
        };
    }

    private static LiveItemCatalog.Status status(ItemStatus status) {
        return switch (status) {
            case ACTIVE -> LiveItemCatalog.Status.ACTIVE;
            case DELETED -> LiveItemCatalog.Status.DELETED;
            default -> LiveItemCatalog.Status.BLOCKED; // includes symbols of newer writers
        };
    }

    private static float[] floats(java.util.List<Float> values) {
        if (values == null) {
            return null;
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** The model-updates topic. */
    public static KafkaRecordDeserializationSchema<ControlEvent> modelUpdates() {
        return new Base() {
            @Override
            ControlEvent decode(ConsumerRecord<byte[], byte[]> record) {
                ModelUpdate u = Serdes.modelUpdate().deserialize(record.value());
                if (u.getModelVersion().isBlank() || u.getRegistryLocation().isBlank()) {
                    return reject(
                            record,
                            "VALIDATION",
                            null,
                            "modelVersion or registryLocation is empty");
                }
                if (!u.getManifestSha256().matches("[0-9a-f]{64}")) {
                    return reject(
                            record,
                            "VALIDATION",
                            null,
                            "manifestSha256 '"
                                    + u.getManifestSha256()
                                    + "' is not 64 lower-case hex digits");
                }
                return ControlEvent.modelUpdate(
                        new ModelRef(
                                u.getModelVersion(),
                                u.getRegistryLocation(),
                                u.getManifestSha256()));
            }
        };
    }

    private abstract static class Base implements KafkaRecordDeserializationSchema<ControlEvent> {
        abstract ControlEvent decode(ConsumerRecord<byte[], byte[]> record);

        @Override
        public void deserialize(
                ConsumerRecord<byte[], byte[]> record, Collector<ControlEvent> out) {
            try {
                out.collect(decode(record));
            } catch (RecordDecodingException e) {
                out.collect(reject(record, "DESERIALIZATION", e.reason().name(), e.getMessage()));
            }
        }

        static ControlEvent reject(
                ConsumerRecord<byte[], byte[]> record, String kind, String code, String message) {
            Rejection r =
                    Rejection.of(
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            record.key(),
                            record.value(),
                            kind,
                            code,
                            message,
                            "ControlEventDeserializers");
            r.sourceTimestamp = record.timestamp();
            return ControlEvent.rejected(r);
        }

        @Override
        public TypeInformation<ControlEvent> getProducedType() {
            return TypeInformation.of(ControlEvent.class);
        }
    }
}
