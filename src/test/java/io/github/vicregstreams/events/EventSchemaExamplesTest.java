package io.github.vicregstreams.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps {@code schemas/} and the code in agreement: every example under {@code
 * schemas/examples/<event>/valid} must pass both the JSON Schema (checked by a real validator) and
 * the deserializer, and every one under {@code invalid} must fail both.
 *
 * <p>Convention: examples use input dimension {@value #EXAMPLE_INPUT_DIM}. An invalid view or
 * sample example is named {@code <reason>[--<variant>].json}, and the parser must give exactly that
 * reason.
 */
class EventSchemaExamplesTest {
    private static final int EXAMPLE_INPUT_DIM = 4;
    private static final Path SCHEMAS = Path.of("schemas");
    private static final Path EXAMPLES = SCHEMAS.resolve("examples");
    private static final List<String> EVENTS =
            List.of(
                    "view-event",
                    "sample-event",
                    "pair-event",
                    "embedding-event",
                    "metrics-event",
                    "model-version-event",
                    "dead-letter");

    /**
     * Reads examples as the validator's spec wants: exact decimals (so float32 bounds compare
     * exactly) and one value per document.
     */
    private static final ObjectMapper STRICT_JSON =
            new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final JsonSchemaFactory SCHEMA_FACTORY =
            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private static final FeatureEventParser<ViewEvent> VIEW_PARSER =
            FeatureEventParser.views(EXAMPLE_INPUT_DIM);
    private static final FeatureEventParser<SampleEvent> SAMPLE_PARSER =
            FeatureEventParser.samples(EXAMPLE_INPUT_DIM);
    private static final FeatureEventParser<PairEvent> PAIR_PARSER =
            FeatureEventParser.pairs(EXAMPLE_INPUT_DIM);

    /** Pair events have no serde (the learner reads them as bytes): the parser, as one. */
    private static final Deserializer<PairEvent> PAIR_EVENTS =
            (topic, bytes) -> {
                Parsed<PairEvent> parsed = PAIR_PARSER.parseValue(bytes);
                if (parsed instanceof Parsed.Rejected<PairEvent> rejected) {
                    throw new SerializationException(rejected.detail());
                }
                return parsed.value();
            };

    private static final Map<String, Deserializer<?>> DESERIALIZERS =
            Map.of(
                    "view-event",
                    EventSerdes.viewEvents(VIEW_PARSER, FeatureEncoding.JSON_ARRAY).deserializer(),
                    "sample-event",
                    EventSerdes.sampleEvents(SAMPLE_PARSER, FeatureEncoding.JSON_ARRAY)
                            .deserializer(),
                    "pair-event",
                    PAIR_EVENTS,
                    "embedding-event",
                    EventSerdes.embeddingEvents().deserializer(),
                    "metrics-event",
                    EventSerdes.metricsEvents().deserializer(),
                    "model-version-event",
                    EventSerdes.modelVersionEvents().deserializer(),
                    "dead-letter",
                    EventSerdes.deadLetters().deserializer());

    private static final Map<String, Function<byte[], Parsed<?>>> PARSERS =
            Map.of(
                    "view-event",
                    VIEW_PARSER::parseValue,
                    "sample-event",
                    SAMPLE_PARSER::parseValue,
                    "pair-event",
                    PAIR_PARSER::parseValue);

    static Stream<Path> validExamples() {
        return examples("valid");
    }

    static Stream<Path> invalidExamples() {
        return examples("invalid");
    }

    private static Stream<Path> examples(String kind) {
        return EVENTS.stream()
                .flatMap(
                        event -> {
                            try (Stream<Path> files =
                                    Files.list(EXAMPLES.resolve(event).resolve(kind))) {
                                return files
                                        .filter(f -> f.toString().endsWith(".json"))
                                        .sorted()
                                        .toList()
                                        .stream();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
    }

    @Test
    void shouldHaveValidAndInvalidExamplesForEveryEvent() {
        for (String event : EVENTS) {
            assertThat(examples("valid").filter(p -> eventOf(p).equals(event)))
                    .as(event)
                    .isNotEmpty();
            assertThat(examples("invalid").filter(p -> eventOf(p).equals(event)))
                    .as(event)
                    .isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExamples")
    void shouldAcceptValidExampleInSchemaAndDeserializer(Path example) throws IOException {
        byte[] bytes = Files.readAllBytes(example);

        assertThat(schemaErrors(eventOf(example), bytes)).as("schema errors").isEmpty();
        assertThat(DESERIALIZERS.get(eventOf(example)).deserialize("topic", bytes)).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExamples")
    void shouldRejectInvalidExampleInSchemaAndDeserializer(Path example) throws IOException {
        byte[] bytes = Files.readAllBytes(example);

        assertThat(schemaErrors(eventOf(example), bytes)).as("schema errors").isNotEmpty();
        assertThatThrownBy(() -> DESERIALIZERS.get(eventOf(example)).deserialize("topic", bytes))
                .isInstanceOf(SerializationException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExamples")
    void shouldGiveTheReasonTheInvalidExampleIsNamedFor(Path example) throws IOException {
        Function<byte[], Parsed<?>> parser = PARSERS.get(eventOf(example));
        if (parser == null) {
            return; // output events have no reason codes: their readers just refuse
        }
        String name = example.getFileName().toString().replaceFirst("(--.*)?\\.json$", "");
        Reason expected = Reason.fromCode(name.replace('-', '_').toLowerCase(Locale.ROOT));

        Parsed<?> parsed = parser.apply(Files.readAllBytes(example));

        assertThat(parsed).isInstanceOf(Parsed.Rejected.class);
        assertThat(((Parsed.Rejected<?>) parsed).reason()).isEqualTo(expected);
    }

    private static String eventOf(Path example) {
        return example.getParent().getParent().getFileName().toString();
    }

    /** Validation errors, or one pseudo-error when the bytes are not even standard JSON. */
    private static Set<String> schemaErrors(String event, byte[] bytes) throws IOException {
        JsonNode instance;
        try {
            instance = STRICT_JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            return Set.of("not JSON: " + e.getOriginalMessage());
        }
        return schema(event).validate(instance).stream()
                .map(ValidationMessage::getMessage)
                .collect(Collectors.toSet());
    }

    private static JsonSchema schema(String event) throws IOException {
        try (InputStream in = Files.newInputStream(SCHEMAS.resolve(event + ".schema.json"))) {
            return SCHEMA_FACTORY.getSchema(in);
        }
    }
}
