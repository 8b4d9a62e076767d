package dev.missrec.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missrec.schemas.serde.TestRecords.Kind;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Walks every topic schema: documentation and forward-compatibility conventions. */
class SchemaDocumentationTest {

    static Stream<Kind<?>> kinds() {
        return TestRecords.kinds();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldDocumentEveryRecordEnumAndField(Kind<?> kind) {
        List<String> undocumented = new ArrayList<>();
        walk(
                kind.schema(),
                new IdentityHashMap<>(),
                (path, schema, field) -> {
                    String doc = field != null ? field.doc() : schema.getDoc();
                    boolean named =
                            field != null
                                    || schema.getType() == Schema.Type.RECORD
                                    || schema.getType() == Schema.Type.ENUM;
                    if (named && (doc == null || doc.isBlank())) {
                        undocumented.add(path);
                    }
                });

        assertThat(undocumented).as("fields and types without doc").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldStateTheKafkaKeyInTheRecordDoc(Kind<?> kind) {
        assertThat(kind.schema().getDoc()).contains("Kafka record key:");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void shouldGiveEveryOptionalFieldAndEveryEnumADefault(Kind<?> kind) {
        List<String> problems = new ArrayList<>();
        walk(
                kind.schema(),
                new IdentityHashMap<>(),
                (path, schema, field) -> {
                    if (field != null
                            && schema.isNullable()
                            && !(field.hasDefaultValue()
                                    && field.defaultVal()
                                            == org.apache.avro.JsonProperties.NULL_VALUE)) {
                        problems.add(path + ": nullable without default null");
                    }
                    if (field == null
                            && schema.getType() == Schema.Type.ENUM
                            && schema.getEnumDefault() == null) {
                        problems.add(
                                path + ": enum " + schema.getName() + " without default symbol");
                    }
                });

        assertThat(problems).isEmpty();
    }

    interface Visitor {
        /** Called for every field ({@code field} set) and every type ({@code field} null). */
        void visit(String path, Schema schema, Schema.Field field);
    }

    static void walk(Schema schema, Map<Schema, Boolean> seen, Visitor visitor) {
        walk(schema.getName(), schema, seen, visitor);
    }

    private static void walk(
            String path, Schema schema, Map<Schema, Boolean> seen, Visitor visitor) {
        visitor.visit(path, schema, null);
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.put(schema, Boolean.TRUE) != null) {
                    return;
                }
                for (Schema.Field field : schema.getFields()) {
                    String fieldPath = path + "." + field.name();
                    visitor.visit(fieldPath, field.schema(), field);
                    walk(fieldPath, field.schema(), seen, visitor);
                }
            }
            case UNION -> schema.getTypes().forEach(t -> walk(path, t, seen, visitor));
            case ARRAY -> walk(path + "[]", schema.getElementType(), seen, visitor);
            case MAP -> walk(path + "{}", schema.getValueType(), seen, visitor);
            default -> {}
        }
    }
}
