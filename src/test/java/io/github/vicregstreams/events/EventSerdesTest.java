package io.github.vicregstreams.events;

import static io.github.vicregstreams.events.FeatureEventParserViewTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventSerdesTest {
    private static final Metadata METADATA =
            Metadata.of(
                    "{\"label\":7,\"trace\":{\"id\":\"4bf9\",\"tags\":[1,2.50,null]},"
                            + "\"note\":\"größe – 寸法 🙂\"}");

    /** Values whose shortest decimal form has 9 digits, and the extremes of float32. */
    private static final float[] FEATURES = {
        0f,
        -0f,
        0.5372549f,
        1.1754944E-38f,
        Float.MIN_VALUE,
        Float.MAX_VALUE,
        -Float.MAX_VALUE,
        0.1f,
        1.0E-7f,
        123456.79f,
        (float) Math.PI,
        -2.5f
    };

    private final FeatureEventParser<ViewEvent> viewParser =
            FeatureEventParser.views(FEATURES.length);

    @ParameterizedTest
    @EnumSource(FeatureEncoding.class)
    void shouldRoundTripViewEventExactlyWhenWrittenInEitherEncoding(FeatureEncoding encoding) {
        Serde<ViewEvent> serde = EventSerdes.viewEvents(viewParser, encoding);
        ViewEvent event = new ViewEvent("s-1", 1, FEATURES, 1767225600000L, METADATA);

        ViewEvent back =
                serde.deserializer()
                        .deserialize("views", serde.serializer().serialize("views", event));

        assertThat(back).isEqualTo(event);
    }

    @ParameterizedTest
    @EnumSource(FeatureEncoding.class)
    void shouldRoundTripSampleEventWhenWrittenInEitherEncoding(FeatureEncoding encoding) {
        Serde<SampleEvent> serde =
                EventSerdes.sampleEvents(FeatureEventParser.samples(FEATURES.length), encoding);
        SampleEvent event = new SampleEvent("s-1", FEATURES, null, null);

        SampleEvent back =
                serde.deserializer()
                        .deserialize("samples", serde.serializer().serialize("samples", event));

        assertThat(back).isEqualTo(event);
    }

    @Test
    void shouldWriteTheFieldNamedByTheEncoding() {
        ViewEvent event = new ViewEvent("s-1", 0, new float[] {0.5f}, null, null);
        FeatureEventParser<ViewEvent> parser = FeatureEventParser.views(1);

        String json =
                text(
                        EventSerdes.viewEvents(parser, FeatureEncoding.JSON_ARRAY)
                                .serializer()
                                .serialize("views", event));
        String f32 =
                text(
                        EventSerdes.viewEvents(parser, FeatureEncoding.FLOAT32_BASE64)
                                .serializer()
                                .serialize("views", event));

        assertThat(json).isEqualTo("{\"id\":\"s-1\",\"view\":0,\"features\":[0.5]}");
        assertThat(f32).isEqualTo("{\"id\":\"s-1\",\"view\":0,\"featuresF32\":\"AAAAPw==\"}");
    }

    @ParameterizedTest
    @EnumSource(FeatureEncoding.class)
    void shouldRoundTripEmbeddingEventWhenWrittenInEitherEncoding(FeatureEncoding encoding) {
        Serde<EmbeddingEvent> serde = EventSerdes.embeddingEvents(encoding);
        EmbeddingEvent event =
                new EmbeddingEvent(
                        "s-1",
                        FEATURES,
                        1200,
                        EmbeddingEvent.Source.INFERENCE,
                        1767225600000L,
                        METADATA);

        byte[] bytes = serde.serializer().serialize("e", event);

        assertThat(EventSerdes.embeddingEvents().deserializer().deserialize("e", bytes))
                .isEqualTo(event);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .contains(
                        encoding == FeatureEncoding.JSON_ARRAY
                                ? "\"embedding\":["
                                : "\"embeddingF32\":\"");
    }

    @Test
    void shouldCarryViewMetadataIntoTheEmbeddingUntouched() throws Exception {
        String metadata = "{ \"label\" : 7, \"note\": \"größe 🙂\", \"n\": 1.50 }";
        ViewEvent view =
                FeatureEventParser.views(1)
                        .parse(
                                utf8("s-1"),
                                utf8(
                                        "{\"id\":\"s-1\",\"view\":0,\"features\":[1],\"metadata\":"
                                                + metadata
                                                + "}"))
                        .value();
        EmbeddingEvent embedding =
                new EmbeddingEvent(
                        view.id(),
                        new float[] {0.25f},
                        3,
                        EmbeddingEvent.Source.TRAINING,
                        5,
                        view.metadata());

        byte[] bytes = EventSerdes.embeddingEvents().serializer().serialize("e", embedding);

        assertThat(text(bytes)).contains("\"metadata\":" + metadata + "}");
        JsonNode tree = new ObjectMapper().readTree(bytes);
        assertThat(tree.get("metadata")).isEqualTo(new ObjectMapper().readTree(metadata));
    }

    @Test
    void shouldRoundTripMetricsEvent() {
        Serde<MetricsEvent> serde = EventSerdes.metricsEvents();
        MetricsEvent event =
                new MetricsEvent(
                        1200,
                        1767225600000L,
                        256,
                        21.73,
                        0.41,
                        0.38,
                        1.92,
                        0.12,
                        0.87,
                        6712.5,
                        true);

        assertThat(serde.deserializer().deserialize("m", serde.serializer().serialize("m", event)))
                .isEqualTo(event);
    }

    @Test
    void shouldWriteNonFiniteMetricsAsNullAndReadThemBackAsNaN() {
        Serde<MetricsEvent> serde = EventSerdes.metricsEvents();
        MetricsEvent event =
                new MetricsEvent(
                        7,
                        1,
                        256,
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        0.38,
                        1.92,
                        0.12,
                        0.87,
                        6712.5,
                        false);

        byte[] bytes = serde.serializer().serialize("m", event);
        MetricsEvent back = serde.deserializer().deserialize("m", bytes);

        assertThat(text(bytes)).contains("\"loss\":null,\"invariance\":null");
        assertThat(back.loss()).isNaN();
        assertThat(back.invariance()).isNaN();
        assertThat(back.applied()).isFalse();
    }

    @Test
    void shouldRoundTripDeadLetterWithItsOriginalBytes() {
        Serde<DeadLetter> serde = EventSerdes.deadLetters();
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        DeadLetter letter =
                DeadLetter.of(
                        Reason.NOT_JSON,
                        "value is not valid UTF-8 JSON",
                        "views",
                        3,
                        81234,
                        1767225600000L,
                        utf8("s-1"),
                        value);

        DeadLetter back =
                serde.deserializer().deserialize("d", serde.serializer().serialize("d", letter));

        assertThat(back).isEqualTo(letter);
        assertThat(back.value()).containsExactly(value);
    }

    @Test
    void shouldRoundTripDeadLetterWhenKeyValueAndTopicAreUnknown() {
        Serde<DeadLetter> serde = EventSerdes.deadLetters();
        DeadLetter letter =
                DeadLetter.of(Reason.NULL_VALUE, "no value", null, -1, -1, -1, null, null);

        assertThat(serde.deserializer().deserialize("d", serde.serializer().serialize("d", letter)))
                .isEqualTo(letter);
    }

    @Test
    void shouldMapNullToNullWhenSerializingOrDeserializing() {
        Serde<ViewEvent> views = EventSerdes.viewEvents(viewParser, FeatureEncoding.JSON_ARRAY);

        assertThat(views.serializer().serialize("t", null)).isNull();
        assertThat(views.deserializer().deserialize("t", null)).isNull();
        assertThat(EventSerdes.embeddingEvents().deserializer().deserialize("t", null)).isNull();
        assertThat(EventSerdes.metricsEvents().serializer().serialize("t", null)).isNull();
        assertThat(EventSerdes.deadLetters().deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void shouldThrowSerializationExceptionNamingTheReasonWhenValueIsInvalid() {
        Serde<ViewEvent> views = EventSerdes.viewEvents(viewParser, FeatureEncoding.JSON_ARRAY);

        assertThatThrownBy(() -> views.deserializer().deserialize("views", utf8("{\"id\":\"\"}")))
                .isInstanceOf(SerializationException.class)
                .hasMessage(
                        "Not a valid view event on topic views: empty_id: id must not be empty."
                                + " Got: \"\"");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
